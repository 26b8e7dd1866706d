// `rota backup <file>`: an online copy of the embedded SQLite database.
import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { backup, BackupUnsupported } from '../main.ts';
import { ExitCode, type CliIo } from './io.ts';

export function registerBackup(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('backup')
    .argument('<file>', 'where to write the copy')
    .description('Copy the embedded SQLite database to <file>, safely while Rota runs.')
    .action(async (file: string) => setExit(await runBackup(io, file)));
}

async function runBackup(io: CliIo, file: string): Promise<number> {
  const loaded = loadConfig(io.env);
  if (!loaded.ok) {
    for (const e of loaded.errors) io.stderr(`error: ${e.message}\n`);
    return ExitCode.usage;
  }
  try {
    const { source, pages } = await backup(loaded.config, file);
    io.stdout(`${source} → ${file}: ${pages} pages\n`);
    return ExitCode.ok;
  } catch (error) {
    io.stderr(`error: ${(error as Error).message}\n`);
    return error instanceof BackupUnsupported ? ExitCode.usage : ExitCode.failure;
  }
}
