// `rota runs list|show|logs|cancel`: runs on the server you logged in to, newest first, with their
// steps, log lines and findings; --json prints the API's own JSON (SPEC section 10).
import type { Command } from 'commander';
import type { z } from 'zod';
import type { Run, RunDetail } from '../../contract/runs.ts';
import type { CliIo } from '../io.ts';
import { runApiCommand } from './api-command.ts';
import { table } from './table.ts';

type RunView = z.infer<typeof Run>;
type RunDetailView = z.infer<typeof RunDetail>;

interface ListOptions {
  readonly schedule?: string;
  readonly status?: string;
  readonly trigger?: string;
  readonly limit: string;
  readonly json?: boolean;
}

export function registerRuns(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const runs = program
    .command('runs')
    .description('Runs on the server you logged in to (rota login).');
  runs
    .command('list')
    .description('The newest runs: target, trigger, status, when, how long, error.')
    .option('--schedule <id>', 'only this schedule’s runs')
    .option('--status <status>', 'queued, running, completed, failed or cancelled')
    .option('--trigger <trigger>', 'schedule, catchup, manual or api')
    .option('--limit <n>', 'how many (1–100)', '20')
    .option('--json', 'print {"data": [run, …], "next_cursor"}')
    .action(async (options: ListOptions) => {
      const json = options.json === true;
      setExit(
        await runApiCommand(io, json, async (api) => {
          const query = new URLSearchParams({ limit: options.limit });
          if (options.schedule !== undefined) query.set('schedule_id', options.schedule);
          if (options.status !== undefined) query.set('status', options.status);
          if (options.trigger !== undefined) query.set('trigger', options.trigger);
          const page = await api.request<{ data: RunView[]; next_cursor: string | null }>(
            'GET',
            `/api/v1/runs?${query.toString()}`,
          );
          io.stdout(json ? `${JSON.stringify(page)}\n` : runTable(page.data));
        }),
      );
    });
  runs
    .command('show')
    .argument('<id>', 'the run’s id')
    .description('One run: its target, status, timing, steps and findings.')
    .option('--json', 'print the run as the API returns it')
    .action(async (id: string, options: { json?: boolean }) => {
      const json = options.json === true;
      setExit(
        await runApiCommand(io, json, async (api) => {
          const run = await readRun(api, id);
          io.stdout(json ? `${JSON.stringify(run)}\n` : runDetail(run));
        }),
      );
    });
  runs
    .command('logs')
    .argument('<id>', 'the run’s id')
    .description('Every log line of every step, in order.')
    .option('--json', 'print {"lines": [{"step", "at", "level", "message"}]}')
    .action(async (id: string, options: { json?: boolean }) => {
      const json = options.json === true;
      setExit(
        await runApiCommand(io, json, async (api) => {
          const run = await readRun(api, id);
          const lines = run.steps.flatMap((step) =>
            step.logs.map((line) => ({ step: step.name, ...line })),
          );
          io.stdout(
            json
              ? `${JSON.stringify({ lines })}\n`
              : lines.length === 0
                ? 'No log lines.\n'
                : lines
                    .map((l) => `${l.at}  ${l.level.padEnd(5)}  [${l.step}] ${l.message}`)
                    .join('\n') + '\n',
          );
        }),
      );
    });
  runs
    .command('cancel')
    .argument('<id>', 'the run’s id')
    .description('Cancel a queued or running run (its in-flight call is aborted).')
    .option('--json', 'print the run as the API returns it')
    .action(async (id: string, options: { json?: boolean }) => {
      const json = options.json === true;
      setExit(
        await runApiCommand(io, json, async (api) => {
          const run = await api.request<RunView>(
            'POST',
            `/api/v1/runs/${encodeURIComponent(id)}/cancel`,
          );
          io.stdout(json ? `${JSON.stringify(run)}\n` : `Run ${run.id}: ${run.status}\n`);
        }),
      );
    });
}

const readRun = (api: { request<T>(m: 'GET', p: string): Promise<T> }, id: string) =>
  api.request<RunDetailView>('GET', `/api/v1/runs/${encodeURIComponent(id)}`);

const target = (r: RunView) => `${r.target.type.replace('_', ' ')} ${r.target.id}`;

function duration(r: RunView): string {
  if (r.started_at === null || r.finished_at === null) return '-';
  const ms = Date.parse(r.finished_at) - Date.parse(r.started_at);
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function runTable(rows: readonly RunView[]): string {
  if (rows.length === 0) return 'No runs.\n';
  return table(
    ['ID', 'TARGET', 'TRIGGER', 'STATUS', 'QUEUED', 'DURATION', 'ERROR'],
    rows.map((r) => [
      r.id,
      target(r),
      r.trigger,
      r.status,
      r.queued_at,
      duration(r),
      r.error?.code ?? '-',
    ]),
  );
}

function runDetail(r: RunDetailView): string {
  const lines = [
    `Run ${r.id}: ${r.status}${r.error === null ? '' : ` (${r.error.code}: ${r.error.message ?? ''})`}`,
    `  ${target(r)}, trigger ${r.trigger}, attempt ${r.attempt} of ${r.max_attempts}, ${r.agents_spawned} agent(s)`,
    `  queued ${r.queued_at}, started ${r.started_at ?? '-'}, finished ${r.finished_at ?? '-'} (${duration(r)})`,
    `  steps (${r.steps.length}):`,
    ...r.steps.map(
      (s) =>
        `    ${s.position + 1}. ${s.name}: ${s.status}${s.error === null ? '' : ` (${s.error.code})`}, ${s.logs.length} log line(s)`,
    ),
    `  findings (${r.findings.length}):`,
    ...r.findings.map((f) => `    ${f.severity}: ${f.title}`),
  ];
  return `${lines.join('\n')}\n`;
}
