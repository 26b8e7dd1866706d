// Runs `rota` in-process with captured output, a fixed clock and a given environment.
import { main } from './main.ts';

export const CLI_NOW = Date.UTC(2026, 10, 23, 10, 17, 42);

export async function runCli(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
  stdin?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    now: () => CLI_NOW,
    env,
    stopRequested: () => Promise.resolve('SIGTERM'),
    ...(stdin === undefined ? {} : { readStdin: () => Promise.resolve(stdin) }),
  });
  return { code, stdout, stderr };
}
