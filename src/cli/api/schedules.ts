// `rota schedules list|show|trigger|pause|resume`: the API's schedules for people (a table, the
// next runs) and for scripts (--json prints the API's own JSON), through the contract's types.
import type { Command } from 'commander';
import type { z } from 'zod';
import type { Schedule } from '../../contract/schedules.ts';
import type { CliIo } from '../io.ts';
import { allPages, runApiCommand } from './api-command.ts';
import { table } from './table.ts';

type ScheduleView = z.infer<typeof Schedule>;

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
    .option('--json', 'print the tick as the API returns it')
    .action(async (id: string, options: { json?: boolean }) => {
      const json = options.json === true;
      setExit(
        await runApiCommand(io, json, async (api) => {
          const tick = await api.request<Record<string, unknown>>(
            'POST',
            `/api/v1/schedules/${encodeURIComponent(id)}/trigger`,
          );
          io.stdout(json ? `${JSON.stringify(tick)}\n` : tickLine(tick));
        }),
      );
    });
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

function tickLine(tick: Record<string, unknown>): string {
  const runs = Array.isArray(tick.runs) ? tick.runs.length : 0;
  return `Ticked: tick ${String(tick.id)}, ${runs} run${runs === 1 ? '' : 's'} started.\n`;
}
