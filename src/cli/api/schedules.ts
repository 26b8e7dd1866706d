// `rota schedules list|show|trigger|pause|resume`: the API's schedules for people (a table, the
// next runs) and for scripts (--json prints the API's own JSON), through the contract's types.
import type { Command } from 'commander';
import type { z } from 'zod';
import type { Run } from '../../contract/runs.ts';
import type { Schedule } from '../../contract/schedules.ts';
import type { CliIo } from '../io.ts';
import { ApiProblem, type ApiClient } from './api-client.ts';
import { allPages, runApiCommand } from './api-command.ts';
import { table } from './table.ts';

type ScheduleView = z.infer<typeof Schedule>;
type RunView = z.infer<typeof Run>;

export function registerSchedules(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
): void {
  const schedules = program
    .command('schedules')
    .description('Schedules on the server you logged in to (rota login).');
  schedules
    .command('list')
    .description('Every schedule: name, cadence, next run, run count, last run, state.')
    .option('--project <id>', 'only this project’s schedules')
    .option('--json', 'print {"data": [schedule, …]}')
    .action(async (options: { project?: string; json?: boolean }) => {
      const json = options.json === true;
      setExit(
        await runApiCommand(io, json, async (api) => {
          const query =
            options.project === undefined
              ? ''
              : `?project_id=${encodeURIComponent(options.project)}`;
          const rows = await allPages<ScheduleView>(api, `/api/v1/schedules${query}`);
          io.stdout(json ? `${JSON.stringify({ data: rows })}\n` : scheduleTable(rows));
        }),
      );
    });
  schedules
    .command('show')
    .argument('<id>', 'the schedule’s id')
    .description('One schedule: its cadence in words, the next runs, its items.')
    .option('--json', 'print the schedule as the API returns it')
    .action(async (id: string, options: { json?: boolean }) => {
      const json = options.json === true;
      setExit(
        await runApiCommand(io, json, async (api) => {
          const schedule = await api.request<ScheduleView>(
            'GET',
            `/api/v1/schedules/${encodeURIComponent(id)}`,
          );
          io.stdout(json ? `${JSON.stringify(schedule)}\n` : scheduleDetail(schedule));
        }),
      );
    });
  const toggle = (name: 'pause' | 'resume', enabled: boolean, describe: string) =>
    schedules
      .command(name)
      .argument('<id>', 'the schedule’s id')
      .description(describe)
      .option('--note <text>', 'why (pause only): shown with the schedule')
      .option('--json', 'print the schedule as the API returns it')
      .action(async (id: string, options: { note?: string; json?: boolean }) => {
        const json = options.json === true;
        setExit(
          await runApiCommand(io, json, async (api) => {
            const body = enabled
              ? { enabled }
              : { enabled, ...(options.note === undefined ? {} : { pause_note: options.note }) };
            const schedule = await api.request<ScheduleView>(
              'PATCH',
              `/api/v1/schedules/${encodeURIComponent(id)}`,
              body,
            );
            io.stdout(
              json
                ? `${JSON.stringify(schedule)}\n`
                : `${schedule.name}: ${enabled ? `resumed; next run ${schedule.next_tick_at ?? 'none'}` : 'paused'}\n`,
            );
          }),
        );
      });
  toggle('pause', false, 'Pause a schedule: it keeps its settings and has no fire times.');
  toggle('resume', true, 'Resume a paused schedule from its next fire time.');
  schedules
    .command('trigger')
    .argument('<id>', 'the schedule’s id')
    .description('Tick now, through the same selection, without moving the cadence.')
    .option('--wait', 'wait for the tick’s runs to end, showing progress')
    .option('--timeout <seconds>', 'how long --wait waits at most', '600')
    .option('--json', 'print the tick (with --wait, and its runs) as the API returns it')
    .action(async (id: string, options: { wait?: boolean; timeout: string; json?: boolean }) => {
      const json = options.json === true;
      setExit(
        await runApiCommand(io, json, async (api) => {
          const tick = await api.request<TickView>(
            'POST',
            `/api/v1/schedules/${encodeURIComponent(id)}/trigger`,
          );
          if (options.wait !== true) {
            io.stdout(json ? `${JSON.stringify(tick)}\n` : tickLine(tick));
            return;
          }
          const runs = await waitForRuns(api, io, tick.runs, Number(options.timeout) || 600);
          io.stdout(
            json
              ? `${JSON.stringify({ ...tick, runs })}\n`
              : tickLine(tick) +
                  runs
                    .map(
                      (r) =>
                        `  run ${r.id}: ${r.status}${r.error === null ? '' : ` (${r.error.code})`}\n`,
                    )
                    .join(''),
          );
        }),
      );
    });
}

interface TickView {
  readonly id: string;
  readonly runs: readonly { readonly id: string }[];
}

const POLL_MS = 500;
const ENDED = new Set(['completed', 'failed', 'cancelled']);

/**
 * Polls the tick's runs until all have ended or `timeoutSeconds` pass, telling stderr how many
 * have ended whenever that changes (SPEC section 10: long operations show progress).
 */
async function waitForRuns(
  api: ApiClient,
  io: CliIo,
  started: TickView['runs'],
  timeoutSeconds: number,
): Promise<RunView[]> {
  let runs: RunView[] = [];
  let reported = -1;
  for (let poll = 0; poll <= (timeoutSeconds * 1000) / POLL_MS; poll++) {
    runs = await Promise.all(
      started.map((r) => api.request<RunView>('GET', `/api/v1/runs/${encodeURIComponent(r.id)}`)),
    );
    const ended = runs.filter((r) => ENDED.has(r.status)).length;
    if (ended !== reported) {
      io.stderr(`waiting: ${ended} of ${runs.length} run${runs.length === 1 ? '' : 's'} ended\n`);
      reported = ended;
    }
    if (ended === runs.length) return runs;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new ApiProblem(
    0,
    'wait_timed_out',
    `Gave up waiting after ${timeoutSeconds} s; the runs go on (rota runs list --schedule …).`,
  );
}

function scheduleTable(rows: readonly ScheduleView[]): string {
  if (rows.length === 0) return 'No schedules.\n';
  return table(
    ['ID', 'NAME', 'CADENCE', 'NEXT RUN', 'RUNS', 'LAST RUN', 'STATE'],
    rows.map((s) => [
      s.id,
      s.name,
      s.summary,
      s.next_tick_at ?? '-',
      String(s.run_count),
      s.last_run === null ? '-' : `${s.last_run.at} ${s.last_run.outcome ?? 'running'}`,
      s.enabled ? 'enabled' : 'paused',
    ]),
  );
}

function scheduleDetail(s: ScheduleView): string {
  const lines = [
    `${s.name} (${s.id})`,
    `  ${s.summary}${s.enabled ? '' : `, paused${s.pause_note === null ? '' : `: ${s.pause_note}`}`}`,
    `  runs: ${s.run_count}; last: ${s.last_run === null ? 'never' : `${s.last_run.at} ${s.last_run.outcome ?? 'running'}`}`,
    '  next runs:',
    ...(s.next_runs.length === 0
      ? ['    none']
      : s.next_runs.map((r) => `    ${r.local}  ${r.at}${r.dst === null ? '' : `  ${r.dst}`}`)),
    `  items (${s.items.length}):`,
    ...s.items.map(
      (i) =>
        `    ${'journey_id' in i ? `journey ${i.journey_id}` : `test plan ${i.test_plan_id}`}  priority ${i.priority}${i.enabled ? '' : '  disabled'}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

function tickLine(tick: TickView): string {
  const runs = tick.runs.length;
  return `Ticked: tick ${tick.id}, ${runs} run${runs === 1 ? '' : 's'} started.\n`;
}
