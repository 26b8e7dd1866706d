// `rota serve`: runs Rota until SIGTERM or SIGINT, then stops gracefully (in-flight runs finish
// within ROTA_SHUTDOWN_GRACE_SECONDS or go back to the queue) and exits 0.
import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { ROLES, serve, type Role } from '../main.ts';
import { ExitCode, type CliIo } from './io.ts';

export function registerServe(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('serve')
    .description(
      'Run Rota: the scheduler, a worker and the HTTP server (migrates the database on start).',
    )
    .option(
      '--role <role>',
      `what this process does: ${ROLES.join(', ')} (scale out on PostgreSQL with one role per process)`,
      'all',
    )
    .action(async (options: { role: string }) => setExit(await runServe(io, options.role)));
}

async function runServe(io: CliIo, role: string): Promise<number> {
  if (!(ROLES as readonly string[]).includes(role)) {
    io.stderr(`error: --role must be one of ${ROLES.join(', ')}, not "${role}"\n`);
    return ExitCode.usage;
  }
  const loaded = loadConfig(io.env);
  if (!loaded.ok) {
    for (const e of loaded.errors) io.stderr(`error: ${e.message}\n`);
    return ExitCode.usage;
  }
  const stop = io.stopRequested();
  let server;
  try {
    server = await serve(loaded.config, { role: role as Role });
  } catch (error) {
    io.stderr(`error: rota could not start: ${startFailure(error, loaded.config.port)}\n`);
    return ExitCode.failure;
  }
  const signal = await stop;
  server.logger.info({ signal }, 'stop requested');
  await server.stop();
  return ExitCode.ok;
}

function startFailure(error: unknown, port: number): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'EADDRINUSE')
    return `port ${port} is in use; set ROTA_PORT to another port or stop what listens there.`;
  return error instanceof Error ? error.message : String(error);
}
