// Where a command writes: injected so that tests run commands in-process and read their output.
import type { ValidationIssue } from '../core/validation-issue.ts';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The current instant; commands take it from here, never from the clock directly. */
  readonly now: () => number;
  /** The environment configuration is read from. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Resolves with the signal's name when the process is asked to stop (SIGTERM, SIGINT). */
  readonly stopRequested: () => Promise<string>;
  /** All of standard input, for secrets that should not sit in argv (`--client-secret-stdin`). */
  readonly readStdin?: () => Promise<string>;
}

export const processIo: CliIo = {
  readStdin: async () => {
    let text = '';
    for await (const chunk of process.stdin) text += String(chunk);
    return text;
  },
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  now: () => Date.now(),
  env: process.env,
  stopRequested: () =>
    new Promise((resolve) => {
      const stop = (signal: NodeJS.Signals) => {
        process.off('SIGTERM', stop).off('SIGINT', stop);
        // A second signal while stopping means "now": give up on the grace period.
        process.once('SIGTERM', () => process.exit(1)).once('SIGINT', () => process.exit(1));
        resolve(signal);
      };
      process.once('SIGTERM', stop).once('SIGINT', stop);
    }),
};

/** Exit codes shared by every command. */
export const ExitCode = { ok: 0, failure: 1, usage: 2 } as const;

/** Usage and validation errors: {"errors": [...]} on stdout with --json, else lines on stderr. */
export function reportErrors(errors: readonly ValidationIssue[], json: boolean, io: CliIo): void {
  if (json) {
    io.stdout(`${JSON.stringify({ errors })}\n`);
    return;
  }
  for (const e of errors) {
    // Argument errors name their flag in the message; cadence errors point into the JSON.
    const where = e.field.startsWith('/') ? `cadence${e.field}: ` : '';
    io.stderr(`error: ${where}${e.message} (${e.code})\n`);
  }
}
