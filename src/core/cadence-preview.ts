// A cadence's summary and next fire times, as `rota preview` and POST /schedules/preview show
// them (SPEC section 2 "Preview"). Times dropped by `gap: "skip"` come back separately, so that
// the human-readable preview can list them while `next_runs` holds only real fire times.
import type { Cadence } from './cadence.ts';
import { parseCadence } from './cadence-parse.ts';
import { summarizeCadence } from './cadence-summary.ts';
import { formatInstant, formatLocalInstant } from './instant.ts';
import {
  compileCadence,
  dstRule,
  FireTimeCursor,
  type DstMark,
  type DstRule,
  type SkippedTime,
} from './next-fire-times.ts';
import { zoneRules } from './time-zone.ts';
import type { Parsed } from './validation-issue.ts';

export interface PreviewRun {
  /** `YYYY-MM-DDTHH:MM:SSZ`. */
  readonly at: string;
  /** `YYYY-MM-DDTHH:MM:SS±HH:MM` in the cadence's zone. */
  readonly local: string;
  readonly dst: DstMark | null;
}

export interface CadencePreview {
  readonly cadence: Cadence;
  readonly summary: string;
  readonly next_runs: readonly PreviewRun[];
  /** Local times that `gap: "skip"` dropped among them, with where a shift would have put them. */
  readonly skipped: readonly { readonly local: string; readonly shiftedAt: number }[];
  readonly dstRule: DstRule;
}

/** Previews an already normalised cadence: the first `count` fire times strictly after `from`. */
export function previewNormalised(cadence: Cadence, from: number, count: number): CadencePreview {
  const skipped: SkippedTime[] = [];
  const compiled = compileCadence(cadence);
  const cursor = new FireTimeCursor(compiled, from, (s) => skipped.push(s));
  const rules = zoneRules(cadence.timezone, from);
  const runs: PreviewRun[] = [];
  let first: number | undefined;
  let last = from;
  while (runs.length < count) {
    const fire = cursor.next();
    if (fire === undefined) break;
    first ??= fire.at;
    last = fire.at;
    runs.push({
      at: formatInstant(fire.at),
      local: formatLocalInstant(fire.at, rules.offsetAt(fire.at)),
      dst: fire.dst,
    });
  }
  return {
    cadence,
    summary: summarizeCadence(cadence, first ?? from),
    next_runs: runs,
    // Skipped times after the last listed run belong to a later page of the preview.
    skipped: skipped
      .filter((s) => s.shiftedAt <= last || runs.length < count)
      .map((s) => ({ local: formatInstant(s.local).slice(0, 16), shiftedAt: s.shiftedAt })),
    dstRule: dstRule(compiled),
  };
}

/** Validates raw cadence JSON and previews it; `from` also resolves an interval's origin. */
export function previewCadence(
  input: unknown,
  from: number,
  count: number,
): Parsed<CadencePreview> {
  const parsed = parseCadence(input, { reference: from });
  if (!parsed.ok) return parsed;
  return { ok: true, value: previewNormalised(parsed.value, from, count) };
}
