// `rota preview`: a cadence's summary and next fire times, with no server (SPEC section 10).
// Scripts depend on its contract: flags, the --json shape, and exit code 2 for any bad input.
import type { Command } from 'commander';
import { previewCadence, type CadencePreview } from '../core/cadence-preview.ts';
import { isoWeekday, parseCivilDate } from '../core/civil-date.ts';
import { weekdayName } from '../core/english-phrases.ts';
import { isSupportedInstant, parseInstant } from '../core/instant.ts';
import { issue, type ValidationIssue } from '../core/validation-issue.ts';
import { ExitCode, reportErrors, type CliIo } from './io.ts';

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
  const parsedFrom =
    options.from === undefined ? Math.floor(io.now() / 1000) * 1000 : parseInstant(options.from);
  const from = parsedFrom !== undefined && isSupportedInstant(parsedFrom) ? parsedFrom : undefined;
  if (from === undefined) {
    errors.push(
      issue(
        '--from',
        'invalid_instant',
        '--from must be an ISO-8601 instant with Z or an offset between 1900 and 2699, e.g. 2027-03-14T00:00:00Z.',
      ),
    );
  }
  const countText = options.count ?? String(DEFAULT_COUNT);
  const count = /^\d{1,4}$/.test(countText) ? Number(countText) : NaN;
  if (!(count >= 1 && count <= MAX_PREVIEW_COUNT)) {
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

const DST_RULES: Record<
  CadencePreview['dstRule'],
  (p: CadencePreview['cadence']['dst_policy']) => string
> = {
  fixed_time: (p) =>
    `in a DST gap: ${p.gap}; in a repeated hour: ${p.fold === 'first' ? 'first pass only' : 'both passes'}.`,
  every_hour: () => 'fires on both passes of a repeated hour and shifts out of DST gaps.',
  elapsed: () => 'counts elapsed hours; DST does not move it.',
};

const weekdayOf = (date: string): string =>
  weekdayName(isoWeekday(parseCivilDate(date) ?? 0)).slice(0, 3);

function formatPreview(preview: CadencePreview): string {
  const { cadence } = preview;
  const lines = [
    preview.summary,
    `Time zone ${cadence.timezone}; ${DST_RULES[preview.dstRule](cadence.dst_policy)}`,
    '',
  ];
  if (preview.next_runs.length === 0) lines.push('No fire times ahead.');
  const width = String(preview.next_runs.length).length;
  // Rows run in time order; a skipped time stands where a shift would have fired it.
  const rows: [number, string][] = preview.next_runs.map((run, i) => {
    const date = run.local.slice(0, 10);
    const note =
      run.dst === 'shifted'
        ? '  shifted out of a DST gap'
        : run.dst === 'repeated'
          ? '  in a repeated hour'
          : '';
    const time = `${run.local.slice(11, 16)} ${run.local.slice(19)}`;
    return [
      Date.parse(run.at),
      `${String(i + 1).padStart(width)}  ${weekdayOf(date)} ${date} ${time}   ${run.at}${note}`,
    ];
  });
  for (const { local, shiftedAt } of preview.skipped) {
    const date = local.slice(0, 10);
    rows.push([
      shiftedAt,
      `${'-'.padStart(width)}  ${weekdayOf(date)} ${date} ${local.slice(11)}          skipped: does not exist (DST gap, gap "skip")`,
    ]);
  }
  rows.sort(([a], [b]) => a - b);
  lines.push(...rows.map(([, line]) => line));
  return `${lines.join('\n')}\n`;
}
