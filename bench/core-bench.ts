// `npm run bench:core`: how fast the pure core computes next fire times and selects items,
// against references measured in the same run (croner on the same cron expressions; a plain
// sort of the same items). Prints Markdown tables with medians. A benchmark, not a test.
import { Cron } from 'croner';
import { parseCadence } from '../src/core/cadence-parse.ts';
import type { Cadence } from '../src/core/cadence.ts';
import { compileCadence, nextFireTime, type CompiledCadence } from '../src/core/next-fire-times.ts';
import { decideSelection, selectItems, type SelectableItem } from '../src/core/select-items.ts';
import { zoneRules } from '../src/core/time-zone.ts';

const N = Number(process.env.BENCH_N ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
// Selection takes tens of milliseconds, so more rounds cost little and steady the median.
const SELECTION_ROUNDS = 4 * ROUNDS;
const FROM = Date.UTC(2026, 2, 29, 0, 30); // the EU spring-forward day
const ZONES = ['UTC', ...Intl.supportedValuesOf('timeZone')];

// A small deterministic generator (mulberry32), so every run measures the same inputs.
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(20261123);
const int = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
const pick = <T>(list: readonly T[]): T => list[int(0, list.length - 1)] as T;
const hhmm = (): string =>
  `${String(int(0, 23)).padStart(2, '0')}:${String(int(0, 59)).padStart(2, '0')}`;
const days = (max: number, from: number, to: number): number[] => [
  ...new Set(Array.from({ length: int(1, max) }, () => int(from, to))),
];

function calendarInput(): object {
  const timezone = pick(ZONES);
  switch (int(0, 3)) {
    case 0:
      return {
        type: 'calendar',
        frequency: 'daily',
        times: Array.from({ length: int(1, 3) }, hhmm),
        timezone,
      };
    case 1:
      return {
        type: 'calendar',
        frequency: 'weekly',
        days_of_week: days(4, 1, 7),
        times: [hhmm()],
        timezone,
      };
    case 2:
      return {
        type: 'calendar',
        frequency: 'monthly',
        days_of_month: [...days(3, 1, 31), ...(random() < 0.3 ? [-1] : [])],
        times: [hhmm()],
        timezone,
      };
    default:
      return {
        type: 'interval',
        tick_interval_hours: pick([1, 2, 4, 6, 8, 12, 24, 48, 72, 168, 5, 36]),
        run_days: random() < 0.5 ? [1, 2, 3, 4, 5] : [1, 2, 3, 4, 5, 6, 7],
        anchor_time: hhmm(),
        origin_date: '2026-01-05',
        timezone,
      };
  }
}

/** The peer harness's cron grammar: `*`, n, a-b, a,b, *\/n, a-b/n; day of month ≤ 28. */
function cronField(min: number, max: number): string {
  const a = int(min, max);
  const b = int(a, max);
  switch (int(0, 5)) {
    case 0:
      return '*';
    case 1:
      return String(a);
    case 2:
      return `${a}-${b}`;
    case 3:
      return [...new Set([a, int(min, max)])].sort((x, y) => x - y).join(',');
    case 4:
      return `*/${int(2, Math.max(2, Math.floor((max - min) / 2)))}`;
    default:
      return `${a}-${b}/${int(1, 3)}`;
  }
}
const cronExpression = (): string =>
  [cronField(0, 59), cronField(0, 23), cronField(1, 28), cronField(1, 12), cronField(0, 6)].join(
    ' ',
  );

function parsed(input: object): Cadence {
  const result = parseCadence(input, { reference: FROM });
  if (!result.ok) throw new Error(`bench input rejected: ${JSON.stringify(result.errors)}`);
  return result.value;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

/** Runs `body` `rounds` times and returns the median duration in ms. */
function measure(rounds: number, body: () => void): number {
  const durations: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    body();
    durations.push(performance.now() - start);
  }
  return median(durations);
}

let sink = 0;
const perSecond = (count: number, ms: number): string =>
  Math.round((count / ms) * 1000).toLocaleString('en-US');

// ---- Selection (first, in a heap not yet full of the fire-time inputs and croner's tables) ----
const items: SelectableItem[] = Array.from({ length: N }, (_, i) => ({
  id: `item-${String(i).padStart(6, '0')}-${int(0, 1e9).toString(36)}`,
  priority: int(-100, 100),
  lastRunAt: random() < 0.05 ? null : FROM - int(1, 500) * 3_600_000,
  createdAt: FROM - int(500, 5000) * 3_600_000,
  agentCost: int(1, 5),
  previous: { live: random() < 0.01, waiting: false },
}));
const selectionInput = {
  fireTime: FROM,
  coverageWindowHours: 120,
  perTick: 5_000,
  tenantLeft: 10_000,
  overlapPolicy: 'skip' as const,
  items,
};
const selection = measure(SELECTION_ROUNDS, () => {
  sink += decideSelection(selectionInput).totals.runs;
});
const selectionEntries = measure(SELECTION_ROUNDS, () => {
  sink += selectItems(selectionInput).entries.length;
});
const plainSort = measure(SELECTION_ROUNDS, () => {
  const copy = items.map((item) => ({
    item,
    score: item.lastRunAt === null ? Infinity : (FROM - item.lastRunAt) * 2 ** (item.priority / 10),
  }));
  copy.sort((a, b) => b.score - a.score || (a.item.id < b.item.id ? -1 : 1));
  sink += copy.length;
});

// ---- Inputs ---------------------------------------------------------------------------------
// Zone tables are built lazily on first use; build them all first so timing excludes them.
const warmupStart = performance.now();
for (const zone of ZONES) zoneRules(zone, FROM).offsetAt(FROM);
const warmupMs = performance.now() - warmupStart;
const calendarCadences = Array.from({ length: N }, () => parsed(calendarInput()));
const cronPairs = Array.from({ length: N }, () => ({
  expression: cronExpression(),
  timezone: pick(ZONES),
}));
const cronCadences = cronPairs.map((p) => parsed({ type: 'cron', ...p }));

// ---- Next fire times ------------------------------------------------------------------------
function nextAll(compiled: readonly CompiledCadence[]): void {
  for (const c of compiled) sink += nextFireTime(c, FROM)?.at ?? 0;
}
const calendarCompiled = calendarCadences.map(compileCadence);
const cronCompiled = cronCadences.map(compileCadence);

const calendarWarm = measure(ROUNDS, () => nextAll(calendarCompiled));
const calendarCold = measure(ROUNDS, () => nextAll(calendarCadences.map(compileCadence)));
const cronWarm = measure(ROUNDS, () => nextAll(cronCompiled));
const cronCold = measure(ROUNDS, () => nextAll(cronCadences.map(compileCadence)));

const fromDate = new Date(FROM);
const cronerCold = measure(ROUNDS, () => {
  for (const p of cronPairs)
    sink +=
      new Cron(p.expression, { timezone: p.timezone, mode: '5-part' })
        .nextRun(fromDate)
        ?.getTime() ?? 0;
});
// croner keeps a ~80 KB table per parsed pattern, so its warm case is measured in batches.
const BATCH = 5_000;
const cronerWarm = median(
  Array.from({ length: ROUNDS }, () => {
    let total = 0;
    for (let i = 0; i < cronPairs.length; i += BATCH) {
      const batch = cronPairs
        .slice(i, i + BATCH)
        .map((p) => new Cron(p.expression, { timezone: p.timezone, mode: '5-part' }));
      const start = performance.now();
      for (const c of batch) sink += c.nextRun(fromDate)?.getTime() ?? 0;
      total += performance.now() - start;
    }
    return total;
  }),
);

// ---- Report ---------------------------------------------------------------------------------
const row = (cells: (string | number)[]): string => `| ${cells.join(' | ')} |`;
console.log(
  `## bench:core — ${N.toLocaleString('en-US')} items, median of ${ROUNDS} rounds (selection ${SELECTION_ROUNDS}), Node ${process.version}\n`,
);
console.log(
  `Zone tables for ${ZONES.length} zones built in ${warmupMs.toFixed(0)} ms (once per process, before timing).\n`,
);
console.log(row(['next fire time', 'median ms', 'per second', 'ratio']));
console.log(row(['---', '---:', '---:', '---:']));
console.log(
  row([
    'calendar + interval, compiled (Rota)',
    calendarWarm.toFixed(1),
    perSecond(N, calendarWarm),
    '',
  ]),
);
console.log(
  row([
    'calendar + interval, compile + next (Rota)',
    calendarCold.toFixed(1),
    perSecond(N, calendarCold),
    '',
  ]),
);
console.log(
  row([
    'cron, compiled (Rota)',
    cronWarm.toFixed(1),
    perSecond(N, cronWarm),
    `${(cronerWarm / cronWarm).toFixed(2)}× croner`,
  ]),
);
console.log(
  row([
    'cron, parse + next (Rota)',
    cronCold.toFixed(1),
    perSecond(N, cronCold),
    `${(cronerCold / cronCold).toFixed(2)}× croner`,
  ]),
);
console.log(
  row([
    'cron, parsed (croner 11, reference)',
    cronerWarm.toFixed(1),
    perSecond(N, cronerWarm),
    '1.00×',
  ]),
);
console.log(
  row([
    'cron, parse + next (croner 11, reference)',
    cronerCold.toFixed(1),
    perSecond(N, cronerCold),
    '1.00×',
  ]),
);
console.log(
  '\n"ratio" is croner\'s time over Rota\'s on the same expressions and zones: above 1 means Rota is faster.\n',
);
console.log(row(['selection', 'median ms', 'ratio']));
console.log(row(['---', '---:', '---:']));
console.log(
  row([
    `select among ${N.toLocaleString('en-US')} items: decisions (Rota)`,
    selection.toFixed(1),
    `${(selection / plainSort).toFixed(2)}× plain sort`,
  ]),
);
console.log(
  row([
    `… and an audit entry object per item (Rota)`,
    selectionEntries.toFixed(1),
    `${(selectionEntries / plainSort).toFixed(2)}× plain sort`,
  ]),
);
console.log(
  row([`plain sort of the same items by score (reference)`, plainSort.toFixed(1), '1.00×']),
);
if (sink === 42) console.log(''); // keeps the work observable
