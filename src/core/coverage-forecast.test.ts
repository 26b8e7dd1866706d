import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { forecastCoverage, type ForecastInput, type ForecastItem } from './coverage-forecast.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 5, 1, 0, 0);

/** Fire times every `everyHours`, from `offsetHours` after now, far enough for the forecast. */
const regular = (everyHours: number, offsetHours = 0, horizonDays = 14 + 28 + 30) =>
  Array.from(
    { length: Math.floor((horizonDays * 24 - offsetHours) / everyHours) + 1 },
    (_, i) => NOW + (offsetHours + i * everyHours) * HOUR,
  );

const items = (count: number, over: Partial<ForecastItem> = {}): ForecastItem[] =>
  Array.from({ length: count }, (_, i) => ({
    id: `item-${String(i).padStart(3, '0')}`,
    priority: 0,
    lastRunAt: null,
    createdAt: NOW - 100 * DAY,
    agentCost: 1,
    enabled: true,
    ...over,
  }));

const unlimited = {
  dailyAgentBudget: null,
  usedToday: 0,
  dayOf: (ms: number) => Math.floor(ms / DAY),
};

const forecast = (over: Partial<ForecastInput>) =>
  forecastCoverage({
    now: NOW,
    fireTimes: regular(24),
    items: items(10),
    coverageWindowHours: 120,
    dailyBudget: null,
    tenant: unlimited,
    ...over,
  });

describe('forecastCoverage', () => {
  it('says the window is met, in days, when the auto budget rotates through every item', () => {
    const f = forecast({ fireTimes: regular(4), items: items(29) });
    // Every 4 h from now, now itself excluded.
    expect(f.ticks).toHaveLength(14 * 6);
    expect(f.ticks.every((t) => t.perTick === 1 && t.selected.length === 1)).toBe(true);
    // 29 items, one per 4-hourly tick: each comes round every 116 h.
    expect(f.items.every((c) => c.worstGapHours <= 116)).toBe(true);
    expect(f.verdict).toEqual({
      met: true,
      text: 'every item covered every 4.8 days; window 5 days: met',
    });
  });

  it('uses hours in the text when the window is shorter than 48 h', () => {
    const f = forecast({ fireTimes: regular(1), items: items(6), coverageWindowHours: 36 });
    expect(f.verdict).toEqual({
      met: true,
      text: 'every item covered every 6 h; window 36 h: met',
    });
  });

  it('says how many runs per tick the window needs when daily_budget is too small', () => {
    const f = forecast({ items: items(60), dailyBudget: 2 });
    expect(f.ticks.every((t) => t.selected.length === 2)).toBe(true);
    expect(f.verdict).toEqual({
      met: false,
      text: 'needs 12 runs per tick to meet the 120 h window',
      requiredPerTick: 12,
    });
  });

  it('says the window cannot be met when it is shorter than the gap between fire times', () => {
    const f = forecast({ fireTimes: regular(24), items: items(5), coverageWindowHours: 12 });
    expect(f.ticks.every((t) => t.selected.length === 5)).toBe(true);
    expect(f.verdict.met).toBe(false);
    expect(f.verdict.text).toBe(
      'the 12 h window is shorter than the gap between fire times: it cannot be met even running every item at every tick',
    );
  });

  it('blames the tenant budget when it, not the per-tick budget, keeps items waiting', () => {
    const tenant = { ...unlimited, dailyAgentBudget: 1 };
    const f = forecast({ items: items(10), tenant });
    expect(f.ticks.every((t) => t.agents === 1)).toBe(true);
    expect(f.verdict).toEqual({
      met: false,
      text: "every item covered every 10 days; window 5 days: not met (the tenant's daily agent budget is the limit)",
    });
  });

  it('counts items that never run within the horizon', () => {
    const tenant = { ...unlimited, dailyAgentBudget: 2 };
    const f = forecast({ items: items(40, { agentCost: 1 }), tenant, days: 7 });
    expect(f.items.filter((c) => c.runs === 0)).toHaveLength(40 - 2 * 7);
    expect(f.verdict.text).toBe(
      "26 items never run in the next 7 days; window 5 days: not met (the tenant's daily agent budget is the limit)",
    );
  });

  it('starts from what the tenant already spent today and resets at its midnight', () => {
    // Ticks at 06:00 and 18:00, 2 runs each; 3 agents a day, 3 already spent today.
    const tenant = { dailyAgentBudget: 3, usedToday: 3, dayOf: unlimited.dayOf };
    const f = forecast({
      fireTimes: regular(12, 6),
      items: items(4),
      dailyBudget: 2,
      tenant,
      days: 2,
    });
    expect(f.ticks.map((t) => [t.at - NOW, t.agents])).toEqual([
      [6 * HOUR, 0],
      [18 * HOUR, 0],
      [30 * HOUR, 2],
      [42 * HOUR, 1],
    ]);
  });

  it('rotates items by feeding each tick back as their last run', () => {
    const f = forecast({ items: items(4), fireTimes: regular(24), coverageWindowHours: 48 });
    // K = 2 fire times per 48 h window, so 2 runs per tick alternate between the pairs.
    expect(f.ticks.slice(0, 4).map((t) => t.selected)).toEqual([
      ['item-000', 'item-001'],
      ['item-002', 'item-003'],
      ['item-000', 'item-001'],
      ['item-002', 'item-003'],
    ]);
  });

  it('measures the first gap from the last run and the last one to the horizon end', () => {
    const list = [
      ...items(1, { id: 'recent', lastRunAt: NOW - 4 * DAY }),
      ...items(1, { id: 'off', lastRunAt: NOW - DAY, enabled: false }),
    ];
    // One item, ticks at 12:00 every day: it runs at the first, 4.5 days after its last run.
    const f = forecast({ items: list, days: 3, fireTimes: regular(24, 12) });
    expect(f.items).toEqual([
      {
        itemId: 'recent',
        runs: 3,
        worstGapHours: 4 * 24 + 12,
        worstStalenessRatio: 108 / 120,
        overdueNow: false,
      },
    ]);
    expect(f.verdict).toEqual({
      met: true,
      text: 'every item covered every 4.5 days; window 5 days: met',
    });
  });

  it('reports a backlog apart instead of holding it against the future', () => {
    const list = items(10, { lastRunAt: NOW - 10 * DAY });
    const f = forecast({ items: list, fireTimes: regular(24, 12) });
    expect(f.items.every((c) => c.overdueNow)).toBe(true);
    expect(f.verdict.met).toBe(true);
    expect(f.verdict.text).toMatch(/window 5 days: met \(10 items are overdue now\)$/);
  });

  it('does not call a window longer than the horizon unmet for items still waiting their turn', () => {
    // 60 new items, 2 a day (K = 30 in a 30-day window): most wait beyond the 14-day horizon.
    const f = forecast({
      items: items(60),
      fireTimes: regular(24, 9, 80),
      coverageWindowHours: 720,
    });
    expect(f.items.filter((c) => c.runs === 0).length).toBeGreaterThan(0);
    expect(f.verdict.met).toBe(true);
  });

  it('treats a fire time exactly at now as already ticked', () => {
    const f = forecast({ items: items(1), fireTimes: [NOW, NOW + DAY], days: 2 });
    expect(f.ticks.map((t) => t.at)).toEqual([NOW + DAY]);
  });

  it('says so when there is nothing to cover or the schedule does not fire', () => {
    expect(forecast({ items: [] }).verdict).toEqual({
      met: true,
      text: 'no enabled items to cover',
    });
    expect(forecast({ fireTimes: [] }).verdict).toEqual({
      met: false,
      text: 'the schedule does not fire in the next 14 days',
    });
  });

  // The SPEC's coverage law: with the auto budget, equal priorities and no tenant limit, every
  // item runs once per window whenever every window holds a fire time.
  const arbRegular = fc.record({
    everyHours: fc.integer({ min: 1, max: 48 }),
    phase: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
    count: fc.integer({ min: 1, max: 40 }),
    windowFactor: fc.double({ min: 0, max: 1, noNaN: true }),
  });

  it('meets the window when every window holds a fire time and items have not run yet', () => {
    fc.assert(
      fc.property(arbRegular, ({ everyHours, phase, count, windowFactor }) => {
        // Windows from one gap up to the 14-day horizon, so that every item gets its turn.
        const windowHours = everyHours + Math.floor(windowFactor * (14 * 24 - everyHours));
        const f = forecast({
          fireTimes: regular(everyHours, Math.floor(phase * everyHours)),
          items: items(count),
          coverageWindowHours: windowHours,
        });
        expect(f.verdict.met).toBe(true);
        expect(f.verdict.text).toMatch(/: met$/);
        for (const c of f.items) expect(c.worstStalenessRatio).toBeLessThanOrEqual(1);
      }),
      { numRuns: 150 },
    );
  });

  it('keeps every gap after an item’s first run within the window, whatever its last run', () => {
    fc.assert(
      fc.property(
        arbRegular,
        fc.array(fc.option(fc.integer({ min: 0, max: 60 * 24 }), { freq: 3 }), {
          minLength: 40,
          maxLength: 40,
        }),
        ({ everyHours, phase, count, windowFactor }, agesHours) => {
          const windowHours = everyHours + Math.floor(windowFactor * (14 * 24 - everyHours));
          const list = items(count).map((item, i) => {
            const age = agesHours[i];
            return { ...item, lastRunAt: age == null ? null : NOW - age * HOUR };
          });
          const f = forecast({
            fireTimes: regular(everyHours, Math.floor(phase * everyHours)),
            items: list,
            coverageWindowHours: windowHours,
          });
          for (const item of list) {
            const runs = f.ticks.filter((t) => t.selected.includes(item.id)).map((t) => t.at);
            expect(runs.length).toBeGreaterThan(0);
            const gaps = [...runs, NOW + 14 * DAY].slice(1).map((t, i) => t - runs[i]!);
            for (const gap of gaps) expect(gap).toBeLessThanOrEqual(windowHours * HOUR);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('runs every item at every tick and says the window cannot be met when a window is empty', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 48 }),
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        (everyHours, count, windowFactor) => {
          const windowHours = 1 + Math.floor(windowFactor * (everyHours - 1));
          const f = forecast({
            fireTimes: regular(everyHours),
            items: items(count),
            coverageWindowHours: windowHours,
          });
          expect(f.ticks.length).toBeGreaterThan(0);
          for (const t of f.ticks) expect(t.selected).toHaveLength(count);
          expect(f.verdict.met).toBe(false);
          expect(f.verdict.text).toContain('cannot be met');
        },
      ),
      { numRuns: 100 },
    );
  });
});
