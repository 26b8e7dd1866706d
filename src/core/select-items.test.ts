import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { selectItems, type SelectableItem, type SelectItemsInput } from './select-items.ts';

import { arbSelectableItem, arbItemList, HOUR, NOW } from './items.test-helpers.ts';
const idle = { live: false, waiting: false };
const live = { live: true, waiting: false };

const item = (id: string, over: Partial<SelectableItem> = {}): SelectableItem => ({
  id,
  priority: 0,
  lastRunAt: NOW - 24 * HOUR,
  createdAt: NOW - 1000 * HOUR,
  agentCost: 1,
  previous: idle,
  ...over,
});

const input = (items: SelectableItem[], over: Partial<SelectItemsInput> = {}) => ({
  fireTime: NOW,
  coverageWindowHours: 120,
  perTick: 100,
  tenantLeft: null,
  overlapPolicy: 'skip' as const,
  items,
  ...over,
});

const arbItems = arbItemList(arbSelectableItem);

describe('selectItems', () => {
  it("walks the items in the selection order and reports each one's score", () => {
    const items = [
      item('fresh', { lastRunAt: NOW - 12 * HOUR }),
      item('new', { lastRunAt: null }),
      item('stale', { lastRunAt: NOW - 24 * HOUR }),
    ];
    const { entries } = selectItems(input(items));
    expect(entries.map((e) => [e.itemId, e.rank, e.score])).toEqual([
      ['new', 1, null],
      ['stale', 2, 0.2],
      ['fresh', 3, 0.1],
    ]);
  });

  it('lets a cheap item use the tenant budget an expensive one could not', () => {
    const items = [
      item('big', { lastRunAt: NOW - 100 * HOUR, agentCost: 5 }),
      item('small', { lastRunAt: NOW - 50 * HOUR, agentCost: 2 }),
      item('medium', { lastRunAt: NOW - 10 * HOUR, agentCost: 3 }),
    ];
    const { entries, totals } = selectItems(input(items, { tenantLeft: 4 }));
    expect(entries).toEqual([
      { itemId: 'big', rank: 1, score: 100 / 120, outcome: 'skipped', reason: 'tenant_budget' },
      { itemId: 'small', rank: 2, score: 50 / 120, outcome: 'selected', overlap: 'start' },
      { itemId: 'medium', rank: 3, score: 10 / 120, outcome: 'skipped', reason: 'tenant_budget' },
    ]);
    expect(totals).toEqual({ runs: 1, agents: 2 });
  });

  it('still takes items that spawn no agents when the tenant has overspent its day', () => {
    const items = [item('agent'), item('tools-only', { agentCost: 0 })];
    const { entries } = selectItems(input(items, { tenantLeft: -3 }));
    expect(entries.map((e) => [e.itemId, e.outcome])).toEqual([
      ['agent', 'skipped'],
      ['tools-only', 'selected'],
    ]);
  });

  it('checks the per-tick budget before the tenant budget', () => {
    const items = [
      item('a', { lastRunAt: NOW - 9 * HOUR }),
      item('b', { lastRunAt: NOW - HOUR, agentCost: 50 }),
    ];
    const { entries } = selectItems(input(items, { perTick: 1, tenantLeft: 10 }));
    expect(entries.map((e) => (e.outcome === 'skipped' ? e.reason : e.outcome))).toEqual([
      'selected',
      'budget',
    ]);
  });

  it('skips an item whose previous run is live without spending any budget on it', () => {
    const items = [
      item('busy', { lastRunAt: NOW - 100 * HOUR, previous: live }),
      item('free', { lastRunAt: NOW - 50 * HOUR }),
    ];
    const { entries, totals } = selectItems(input(items, { perTick: 1, tenantLeft: 1 }));
    expect(entries.map((e) => [e.itemId, e.outcome])).toEqual([
      ['busy', 'skipped'],
      ['free', 'selected'],
    ]);
    expect(entries[0]).toMatchObject({ reason: 'overlap' });
    expect(totals).toEqual({ runs: 1, agents: 1 });
  });

  it('reports what the overlap policy does with a live previous run of a selected item', () => {
    const items = [
      item('idle'),
      item('busy', { previous: live }),
      item('waiting', { previous: { live: true, waiting: true } }),
    ];
    const actions = (overlapPolicy: SelectItemsInput['overlapPolicy']) =>
      selectItems(input(items, { overlapPolicy })).entries.map((e) =>
        e.outcome === 'selected' ? e.overlap : e.reason,
      );
    expect(actions('buffer_one')).toEqual(['buffer', 'start', 'overlap']);
    expect(actions('allow')).toEqual(['start', 'start', 'start']);
    expect(actions('cancel_other')).toEqual(['cancel_previous', 'start', 'cancel_previous']);
  });

  it('records every candidate once, with ranks 1…n, and totals that match the selection', () => {
    fc.assert(
      fc.property(
        arbItems,
        fc.integer({ min: 0, max: 10 }),
        fc.option(fc.integer({ min: 0, max: 20 })),
        (items, perTick, tenantLeft) => {
          const { entries, totals } = selectItems(input(items, { perTick, tenantLeft }));
          expect(entries.map((e) => e.rank)).toEqual(items.map((_, i) => i + 1));
          expect(new Set(entries.map((e) => e.itemId)).size).toBe(items.length);
          const chosen = entries.filter((e) => e.outcome === 'selected');
          const cost = new Map(items.map((x) => [x.id, x.agentCost]));
          const agents = chosen.reduce((sum, e) => sum + cost.get(e.itemId)!, 0);
          expect(totals).toEqual({ runs: chosen.length, agents });
          expect(totals.runs).toBeLessThanOrEqual(perTick);
          if (tenantLeft !== null) expect(totals.agents).toBeLessThanOrEqual(tenantLeft);
        },
      ),
    );
  });

  it('is deterministic: the same items in any order give the same selection', () => {
    fc.assert(
      fc.property(
        arbItems.chain((items) =>
          fc.tuple(fc.constant(items), fc.shuffledSubarray(items, { minLength: items.length })),
        ),
        fc.integer({ min: 0, max: 10 }),
        fc.option(fc.integer({ min: 0, max: 20 })),
        fc.constantFrom(
          'skip' as const,
          'buffer_one' as const,
          'allow' as const,
          'cancel_other' as const,
        ),
        ([items, shuffled], perTick, tenantLeft, overlapPolicy) => {
          const a = selectItems(input(items, { perTick, tenantLeft, overlapPolicy }));
          const b = selectItems(input(shuffled, { perTick, tenantLeft, overlapPolicy }));
          expect(b).toEqual(a);
        },
      ),
      { numRuns: 300 },
    );
  });
});

// ---- Bounded waiting ------------------------------------------------------------------------
//
// Claim: at ticks of any regular spacing, with no overlap, an item X that the tenant budget can
// pay for at every tick (tenant_left ≥ X's cost, reset per tick) goes unselected for at most
//   B = floor(2^(g/10) × (n − 1) / q) + 1 consecutive ticks,
// where n is the item count, g = (highest priority − X's priority) ≤ the priority spread, and
// q = per_tick when the tenant is unlimited, else 1 (one cheap item ahead of X can use up a
// tight tenant budget). So X is selected within B + 1 ticks.
// Why: on a tick that skips X, some item ahead of X is selected (else X would fit). Never-run
// items are selected once; an item Y selected at ticks i < j of X's wait is ahead of X at j,
// so (j − i)·2^(pY/10) ≥ (j − 1)·2^(pX/10), i.e. j − i ≥ (j − 1)/2^(g/10). Over the last
// L = ceil((m − 1)/2^(g/10)) ticks of a wait of m ticks no item is selected twice, yet each
// tick selects at least q of them: q·L ≤ n − 1, hence m ≤ 2^(g/10)·(n − 1)/q + 1.

const maxWait = (n: number, q: number, gap: number) =>
  Math.floor((2 ** (gap / 10) * (n - 1)) / q) + 1;

interface Scenario {
  readonly items: SelectableItem[];
  readonly ticks: number;
  readonly intervalHours: number;
  readonly windowHours: number;
  readonly perTick: number;
  readonly tenantLeft: (tick: number) => number | null;
}

/** Runs the ticks, feeding each selection back as last-run times; returns the selected ids. */
function simulate(s: Scenario): string[][] {
  let items = s.items;
  const selected: string[][] = [];
  for (let t = 0; t < s.ticks; t++) {
    const fireTime = NOW + t * s.intervalHours * HOUR;
    const { entries } = selectItems({
      fireTime,
      coverageWindowHours: s.windowHours,
      perTick: s.perTick,
      tenantLeft: s.tenantLeft(t),
      overlapPolicy: 'skip',
      items,
    });
    const ids = entries.filter((e) => e.outcome === 'selected').map((e) => e.itemId);
    const chosen = new Set(ids);
    items = items.map((x) => (chosen.has(x.id) ? { ...x, lastRunAt: fireTime } : x));
    selected.push(ids);
  }
  return selected;
}

/** The longest run of consecutive ticks (including the first and the last) without `id`. */
function longestWait(selected: string[][], id: string): number {
  let longest = 0;
  let current = 0;
  for (const ids of selected) {
    current = ids.includes(id) ? 0 : current + 1;
    longest = Math.max(longest, current);
  }
  return longest;
}

const arbScenarioItems = fc
  .record({
    n: fc.integer({ min: 1, max: 12 }),
    base: fc.integer({ min: -100, max: 70 }),
    spread: fc.integer({ min: 0, max: 30 }),
  })
  .chain(({ n, base, spread }) =>
    fc.array(
      fc.record({
        priority: fc.integer({ min: base, max: base + spread }),
        agentCost: fc.integer({ min: 0, max: 4 }),
        lastRunAt: fc.option(fc.integer({ min: NOW - 500 * HOUR, max: NOW }), { freq: 3 }),
        createdAt: fc.integer({ min: NOW - 900 * HOUR, max: NOW - 500 * HOUR }),
      }),
      { minLength: n, maxLength: n },
    ),
  )
  .map((rows) => rows.map((row, i) => item(`item-${i}`, row)));

describe('bounded waiting', () => {
  it('reaches the bound exactly when a higher-priority item keeps winning (no tenant limit)', () => {
    const x = item('x', { lastRunAt: NOW });
    const y = item('y', { priority: 10, lastRunAt: NOW - 1000 * HOUR });
    const selected = simulate({
      items: [x, y],
      ticks: 12,
      intervalHours: 1,
      windowHours: 120,
      perTick: 1,
      tenantLeft: () => null,
    });
    expect(longestWait(selected, 'x')).toBe(maxWait(2, 1, 10));
    expect(maxWait(2, 1, 10)).toBe(3);
  });

  it('reaches the bound exactly when a tight tenant budget lets one item run per tick', () => {
    const items = [
      item('x', { lastRunAt: NOW }),
      item('y1', { priority: 10, lastRunAt: NOW - 1000 * HOUR }),
      item('y2', { priority: 10, lastRunAt: NOW - 900 * HOUR }),
    ];
    const selected = simulate({
      items,
      ticks: 20,
      intervalHours: 1,
      windowHours: 120,
      perTick: 2,
      tenantLeft: () => 1,
    });
    expect(longestWait(selected, 'x')).toBe(maxWait(3, 1, 10));
    expect(maxWait(3, 1, 10)).toBe(5);
  });

  it('selects an item the tenant budget can pay for within the bound, at every tick', () => {
    fc.assert(
      fc.property(
        arbScenarioItems,
        fc.nat(),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 48 }),
        fc.integer({ min: 1, max: 300 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1 }),
        (items, pick, perTick, intervalHours, windowHours, extras) => {
          const x = items[pick % items.length]!;
          const gap = Math.max(...items.map((i) => i.priority)) - x.priority;
          const bound = maxWait(items.length, 1, gap);
          const selected = simulate({
            items,
            // Long enough that X must be selected at least twice for the check to pass.
            ticks: 2 * (bound + 1) + 3,
            intervalHours,
            windowHours,
            perTick,
            tenantLeft: (t) => x.agentCost + extras[t % extras.length]!,
          });
          expect(longestWait(selected, x.id)).toBeLessThanOrEqual(bound);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('selects every item within the bound when the tenant is unlimited', () => {
    fc.assert(
      fc.property(
        arbScenarioItems,
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 48 }),
        fc.integer({ min: 1, max: 300 }),
        (items, perTick, intervalHours, windowHours) => {
          const top = Math.max(...items.map((i) => i.priority));
          const bounds = items.map((i) => maxWait(items.length, perTick, top - i.priority));
          const selected = simulate({
            items,
            ticks: 2 * (Math.max(...bounds) + 1) + 3,
            intervalHours,
            windowHours,
            perTick,
            tenantLeft: () => null,
          });
          items.forEach((i, k) => {
            expect(longestWait(selected, i.id)).toBeLessThanOrEqual(bounds[k]!);
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
