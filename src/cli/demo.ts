// `rota demo`: writes the demo project into the configured database (no server needed), then
// says how to watch it. `rota serve` serves the demo shop and runs the schedule.
import type { Command } from 'commander';
import { formatInstant } from '../core/instant.ts';
import { loadConfig } from '../config.ts';
import { demo } from '../main.ts';
import { ExitCode, type CliIo } from './io.ts';

export function registerDemo(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('demo')
    .description(
      'Create a demo project: journeys against a demo shop Rota serves itself, on a schedule that ticks every minute.',
    )
    .option('--json', 'print {"created", "project_id", "schedule_id", "site_url", "next_fire_at"}')
    .action(async (options: { json?: boolean }) =>
      setExit(await runDemo(io, options.json === true)),
    );
}

async function runDemo(io: CliIo, json: boolean): Promise<number> {
  const loaded = loadConfig(io.env);
  if (!loaded.ok) {
    for (const e of loaded.errors) io.stderr(`error: ${e.message}\n`);
    return ExitCode.usage;
  }
  const result = await demo(loaded.config, io.now());
  // The demo's journeys call the server on this machine at ROTA_PORT: say so when nothing is there.
  const origin = new URL(result.siteUrl).origin;
  const answered = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(2_000) }).then(
    (response) => response.ok,
    (error: unknown) => (error as Error).message,
  );
  if (answered !== true)
    io.stderr(
      `warning: nothing answers at ${origin} yet (${answered === false ? 'not Rota' : answered}). ` +
        `The demo's journeys call that address: serve Rota with ROTA_PORT=${new URL(origin).port} ` +
        '(npm start), or run rota demo again with the ROTA_PORT your server uses.\n',
    );
  const next = result.nextFireAt === null ? null : formatInstant(result.nextFireAt);
  if (json) {
    io.stdout(
      `${JSON.stringify({
        created: result.created,
        project_id: result.projectId,
        schedule_id: result.scheduleId,
        site_url: result.siteUrl,
        next_fire_at: next,
      })}\n`,
    );
    return ExitCode.ok;
  }
  io.stdout(
    `${result.created ? 'Created' : 'Found'} the demo project (schedule ${result.scheduleId}).\n` +
      `It checks the demo shop at ${result.siteUrl}/ every minute` +
      `${next === null ? '' : `, first at ${next}`}.\n` +
      'Start Rota with `npm start` (or `rota serve`) if it is not running, and watch the runs in its log.\n' +
      'Each tick’s digest email goes to the outbox (GET /api/v1/outbox) unless ROTA_SMTP_URL is set.\n',
  );
  return ExitCode.ok;
}
