// `rota migrate`: bring the configured database's schema up to date, with no server running.
import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { migrate } from '../main.ts';
import { ExitCode, type CliIo } from './io.ts';

export function registerMigrate(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
): void {
  program
    .command('migrate')
    .description(
      'Apply pending schema migrations to the configured database (ROTA_DATABASE_URL or ROTA_DATA_DIR).',
    )
    .action(async () => setExit(await runMigrate(io)));
}

async function runMigrate(io: CliIo): Promise<number> {
  const loaded = loadConfig(io.env);
  if (!loaded.ok) {
    for (const e of loaded.errors) io.stderr(`error: ${e.message}\n`);
    return ExitCode.usage;
  }
  const { location, applied } = await migrate(loaded.config);
  io.stdout(
    applied.length === 0
      ? `${location}: schema up to date\n`
      : `${location}: applied ${applied.join(', ')}\n`,
  );
  return ExitCode.ok;
}
