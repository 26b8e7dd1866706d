// The `rota` command line. Each command lives in its own file and registers itself here.
import { Command, CommanderError } from 'commander';
import { ExitCode, processIo, reportErrors, type CliIo } from './io.ts';
import { registerLogin } from './api/login.ts';
import { registerRuns } from './api/runs.ts';
import { registerSchedules } from './api/schedules.ts';
import { registerBackup } from './backup.ts';
import { registerClients } from './clients.ts';
import { registerDemo } from './demo.ts';
import { registerMigrate } from './migrate.ts';
import { registerPreview } from './preview.ts';
import { registerServe } from './serve.ts';
import { registerUsers } from './users.ts';
import { issue } from '../core/validation-issue.ts';

export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const json = argv.includes('--json');
  let usageMessage = '';
  const program = new Command('rota')
    .description('Rota: recurring, budget-aware, DST-correct scheduling of AI-agent work.')
    .exitOverride()
    .configureOutput({
      writeOut: io.stdout,
      // With --json, commander's own usage errors are reported as {"errors": [...]} instead.
      writeErr: (text) => (json ? (usageMessage += text) : io.stderr(text)),
    });
  const setExit = (code: number) => (exitCode = code);
  registerPreview(program, io, setExit);
  registerMigrate(program, io, setExit);
  registerBackup(program, io, setExit);
  registerServe(program, io, setExit);
  registerDemo(program, io, setExit);
  registerClients(program, io, setExit);
  registerUsers(program, io, setExit);
  registerLogin(program, io, setExit);
  registerSchedules(program, io, setExit);
  registerRuns(program, io, setExit);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) {
      // A bug in Rota, not the caller's mistake: say so plainly, without a stack trace.
      io.stderr(`error: internal error in rota: ${(error as Error).message ?? String(error)}\n`);
      return ExitCode.failure;
    }
    if (error.exitCode === 0) return ExitCode.ok; // --help, --version
    if (json) {
      reportErrors(
        [
          issue(
            '',
            'invalid_argument',
            (usageMessage || error.message).replace(/^error: /, '').trim(),
          ),
        ],
        true,
        io,
      );
    }
    return ExitCode.usage;
  }
  return exitCode;
}
