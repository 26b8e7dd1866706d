// SPEC section 3's coverage law, over real fire times of every cadence type: with the auto
// per-tick budget, equal priorities and no tenant limit, every item runs at least once in every
// coverage window whenever every window holds a fire time; otherwise every item runs at every
// tick, and the forecast says the window cannot be met.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseCadence } from './cadence-parse.ts';
import { MS_PER_DAY, MS_PER_HOUR } from './civil-date.ts';
import { forecastCoverage } from './coverage-forecast.ts';
import { compileCadence, fireTimesBetween } from './next-fire-times.ts';
import { selectItems, type SelectableItem } from './select-items.ts';
import { coverageKs, perTickBudget } from './tick-budget.ts';

const DAYS = 42;
const WEEKDAYS = [1, 2, 3, 4, 5];

const cadence = fc.oneof(
  fc.constant({ type: 'calendar', frequency: 'daily', times: ['09:00'] }),
  fc.constant({ type: 'calendar', frequency: 'daily', times: ['02:30', '14:00'] }),
  fc.constant({ type: 'calendar', frequency: 'weekly', days_of_week: WEEKDAYS, times: ['09:00'] }),
  fc.record({
    type: fc.constant('calendar'),
    frequency: fc.constant('weekly'),
    days_of_week: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 3 }),
    times: fc.constant(['01:30']),
  }),
  fc.record({
    type: fc.constant('calendar'),
    frequency: fc.constant('monthly'),
    days_of_month: fc.uniqueArray(fc.oneof(fc.integer({ min: 1, max: 31 }), fc.constant(-1)), {
      minLength: 1,
      maxLength: 3,
    }),
    times: fc.constant(['18:00']),
  }),
  fc.record({
    type: fc.constant('interval'),
    tick_interval_hours: fc.constantFrom(1, 4, 6, 12, 24, 48, 72, 5, 36),
    run_days: fc.constantFrom([1, 2, 3, 4, 5, 6, 7], WEEKDAYS, [6, 7]),
    anchor_time: fc.constantFrom('00:00', '02:30', '09:15'),
  }),
  fc.record({
    type: fc.constant('cron'),
    expression: fc.constantFrom(
      '0 9 * * 1-5',
      '0 */6 * * *',
      '30 2 * * *',
      '0 12 1,15 * *',
      '0 8 * * 1',
      '0 0 L * *',
      '*/30 9-17 * * 1-5',
    ),
  }),
);
const zone = fc.constantFrom(
  'UTC',
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe',
  'America/Santiago',
  'Pacific/Chatham',
);
const windowHours = fc.constantFrom(12, 24, 48, 72, 120, 168, 240, 720, 1000);
const from = fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2035, 0, 1) });

describe('coverage with the auto budget', () => {
  it('covers every item once per window when every window holds a fire time, else runs every item every tick', () => {
    fc.assert(
      fc.property(
        cadence,
        zone,
        windowHours,
        fc.integer({ min: 1, max: 30 }),
        from,
        (input, timezone, hours, n, start) => {
          const parsed = parseCadence({ ...input, timezone }, { reference: start });
          fc.pre(parsed.ok);
          if (!parsed.ok) return;
          const windowMs = hours * MS_PER_HOUR;
          const fireTimes = fireTimesBetween(
            compileCadence(parsed.value),
            start,
            start + (DAYS + 28) * MS_PER_DAY + windowMs,
          );
          const ticks = fireTimes.filter((t) => t <= start + DAYS * MS_PER_DAY);
          fc.pre(ticks.length >= 2);

          const ks = coverageKs(fireTimes, ticks, windowMs);
          const items: (SelectableItem & { runs: number[] })[] = Array.from(
            { length: n },
            (_, i) => ({
              id: `item-${i}`,
              priority: 0,
              lastRunAt: null,
              createdAt: i,
              agentCost: 1 + (i % 3),
              previous: { live: false, waiting: false },
              runs: [],
            }),
          );
          ticks.forEach((at, i) => {
            const { k, windowMet } = ks[i]!;
            const perTick = perTickBudget({ dailyBudget: null, candidates: n, k });
            const selection = selectItems({
              fireTime: at,
              coverageWindowHours: hours,
              perTick,
              tenantLeft: null,
              overlapPolicy: 'skip',
              items,
            });
            const selected = selection.entries
              .filter((e) => e.outcome === 'selected')
              .map((e) => e.itemId);
            for (const id of selected) {
              const item = items.find((it) => it.id === id)!;
              (item as { lastRunAt: number | null }).lastRunAt = at;
              item.runs.push(at);
            }
            if (!windowMet) expect(selected).toHaveLength(n);
          });

          const everyWindowHoldsAFire = ks.every((k) => k.windowMet);
          if (everyWindowHoldsAFire) {
            const first = ticks[0]!;
            const last = ticks[ticks.length - 1]!;
            for (const item of items) {
              const runs = [first, ...item.runs, last];
              for (let i = 1; i < runs.length; i++) {
                expect(runs[i]! - runs[i - 1]!, `${item.id} gap ${i}`).toBeLessThanOrEqual(
                  windowMs,
                );
              }
            }
          }

          const forecast = forecastCoverage({
            now: start,
            days: DAYS,
            fireTimes,
            items: items.map(({ id, createdAt, agentCost }) => ({
              id,
              priority: 0,
              lastRunAt: null,
              createdAt,
              agentCost,
              enabled: true,
            })),
            coverageWindowHours: hours,
            dailyBudget: null,
            tenant: {
              dailyAgentBudget: null,
              usedToday: 0,
              dayOf: (ms) => Math.floor(ms / MS_PER_DAY),
            },
          });
          expect(forecast.verdict.met, forecast.verdict.text).toBe(everyWindowHoldsAFire);
          if (!everyWindowHoldsAFire) expect(forecast.verdict.text).toMatch(/cannot be met/);
          expect(forecast.ticks.map((t) => t.selected.length)).toEqual(
            ticks.map((_, i) => items.filter((it) => it.runs.includes(ticks[i]!)).length),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
