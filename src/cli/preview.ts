// `rota preview`: a cadence's summary and next fire times, with no server (SPEC section 10).
// Scripts depend on its contract: flags, the --json shape, and exit code 2 for any bad input.
import type { Command } from 'commander';
import { previewCadence, type CadencePreview } from '../core/cadence-preview.ts';
import { isoWeekday, parseCivilDate } from '../core/civil-date.ts';
import { parseInstant } from '../core/instant.ts';
import { issue, type ValidationIssue } from '../core/validation-issue.ts';
import { ExitCode, type CliIo } from './io.ts';

export const MAX_PREVIEW_COUNT = 1000;
const DEFAULT_COUNT = 5;

interface PreviewOptions {
  readonly cadence: string;
  readonly from?: string;
  readonly count?: string;
  readonly json?: boolean;
}

export function registerPreview(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
): void {
  program
    .command('preview')
    .description('Print the summary and the next fire times of a cadence, with no server.')
    .requiredOption(
      '--cadence <json>',
      'the cadence object, as the API takes it (with "timezone" and "dst_policy")',
    )
    .option('--from <instant>', 'ISO-8601 instant with Z or an offset (default: now)')
    .option('--count <n>', `how many fire times, 1 to ${MAX_PREVIEW_COUNT}`, String(DEFAULT_COUNT))
    .option('--json', 'print {"summary", "next_runs"} as JSON')
    .action((options: PreviewOptions) => setExit(runPreview(options, io)));
}

function runPreview(options: PreviewOptions, io: CliIo): number {
  const errors: ValidationIssue[] = [];
  let cadence: unknown;
  try {
    cadence = JSON.parse(options.cadence);
  } catch (error) {
    errors.push(
      issue(
        '--cadence',
        'invalid_json',
        `--cadence is not valid JSON: ${(error as Error).message}`,
      ),
    );
  }
  const from =
    options.from === undefined ? Math.floor(io.now() / 1000) * 1000 : parseInstant(options.from);
  if (from === undefined) {
    errors.push(
      issue(
        '--from',
        'invalid_instant',
        '--from must be an ISO-8601 instant with Z or an offset, e.g. 2027-03-14T00:00:00Z.',
      ),
    );
  }
  const count = Number(options.count ?? DEFAULT_COUNT);
  if (!Number.isInteger(count) || count < 1 || count > MAX_PREVIEW_COUNT) {
    errors.push(
      issue(
        '--count',
        'invalid_argument',
        `--count must be an integer from 1 to ${MAX_PREVIEW_COUNT}.`,
      ),
    );
  }
  if (errors.length === 0 && from !== undefined) {
    const preview = previewCadence(cadence, from, count);
    if (preview.ok) {
      io.stdout(
        options.json
          ? `${JSON.stringify({ summary: preview.value.summary, next_runs: preview.value.next_runs })}\n`
          : formatPreview(preview.value),
      );
      return ExitCode.ok;
    }
    errors.push(...preview.errors);
  }
  reportErrors(errors, options.json === true, io);
  return ExitCode.usage;
}

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

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function formatPreview(preview: CadencePreview): string {
  const { cadence } = preview;
  const lines = [
    preview.summary,
    `Time zone ${cadence.timezone}; in a DST gap: ${cadence.dst_policy.gap}; in a repeated hour: ${cadence.dst_policy.fold === 'first' ? 'first pass only' : 'both passes'}.`,
    '',
  ];
  if (preview.next_runs.length === 0) lines.push('No fire times ahead.');
  const width = String(preview.next_runs.length).length;
  // Rows sort by local wall-clock time, so a skipped time appears where it would have fired.
  const rows: [string, string][] = preview.next_runs.map((run, i) => {
    const date = run.local.slice(0, 10);
    const weekday = WEEKDAYS[isoWeekday(parseCivilDate(date) ?? 0) - 1] ?? '';
    const note =
      run.dst === 'shifted'
        ? '  shifted out of a DST gap'
        : run.dst === 'repeated'
          ? '  in a repeated hour'
          : '';
    const time = `${run.local.slice(11, 16)} ${run.local.slice(19)}`;
    return [
      run.local,
      `${String(i + 1).padStart(width)}  ${weekday} ${date} ${time}   ${run.at}${note}`,
    ];
  });
  for (const local of preview.skipped) {
    const date = local.slice(0, 10);
    const weekday = WEEKDAYS[isoWeekday(parseCivilDate(date) ?? 0) - 1] ?? '';
    rows.push([
      local,
      `${'-'.padStart(width)}  ${weekday} ${date} ${local.slice(11)}          skipped: does not exist (DST gap, gap "skip")`,
    ]);
  }
  rows.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  lines.push(...rows.map(([, line]) => line));
  return `${lines.join('\n')}\n`;
}
