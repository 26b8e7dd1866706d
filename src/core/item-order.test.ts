import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { idOrder, itemScore, orderItems, type OrderableItem } from './item-order.ts';

import { arbOrderableItem, arbItemList, HOUR, NOW } from './items.test-helpers.ts';

const item = (id: string, over: Partial<OrderableItem> = {}): OrderableItem => ({
  id,
  priority: 0,
  lastRunAt: NOW - 24 * HOUR,
  createdAt: NOW - 1000 * HOUR,
  ...over,
});

const orderedIds = (items: OrderableItem[]) =>
  [...orderItems(items, NOW, 120).order].map((i) => items[i]!.id);

/** The SPEC's order written as a plain comparator, to check the packed passes against. */
function referenceOrder(items: readonly OrderableItem[], at: number, windowHours: number) {
  const score = (x: OrderableItem) =>
    (Math.max(0, at - x.lastRunAt!) / HOUR / windowHours) * 2 ** (x.priority / 10);
  const byId = (a: OrderableItem, b: OrderableItem) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return [...items]
    .sort((a, b) => {
      if ((a.lastRunAt === null) !== (b.lastRunAt === null)) return a.lastRunAt === null ? -1 : 1;
      if (a.lastRunAt === null || b.lastRunAt === null) {
        return b.priority - a.priority || a.createdAt - b.createdAt || byId(a, b);
      }
      return (
        score(b) - score(a) ||
        b.priority - a.priority ||
        Math.round(a.lastRunAt) - Math.round(b.lastRunAt) ||
        byId(a, b)
      );
    })
    .map((x) => x.id);
}

const arbItems = arbItemList(arbOrderableItem);

describe('the selection order', () => {
  it('puts never-run items first, by priority, then creation, then id', () => {
    const items = [
      item('ran', { lastRunAt: NOW - 10_000 * HOUR, priority: 100 }),
      item('new-low', { lastRunAt: null, priority: -5 }),
      item('new-b', { lastRunAt: null, priority: 5, createdAt: NOW - 10 * HOUR }),
      item('new-a', { lastRunAt: null, priority: 5, createdAt: NOW - 10 * HOUR }),
      item('new-old', { lastRunAt: null, priority: 5, createdAt: NOW - 20 * HOUR }),
    ];
    expect(orderedIds(items)).toEqual(['new-old', 'new-a', 'new-b', 'new-low', 'ran']);
  });

  it.each([
    [
      'a staler item first',
      [
        item('fresh', { lastRunAt: NOW - 10 * HOUR }),
        item('stale', { lastRunAt: NOW - 50 * HOUR }),
      ],
      ['stale', 'fresh'],
    ],
    [
      'ten priority points worth twice the staleness',
      [
        item('p0', { lastRunAt: NOW - 30 * HOUR }),
        item('p10', { priority: 10, lastRunAt: NOW - 16 * HOUR }),
      ],
      ['p10', 'p0'],
    ],
    [
      'on equal score, the higher priority',
      [
        item('p0', { lastRunAt: NOW - 40 * HOUR }),
        item('p10', { priority: 10, lastRunAt: NOW - 20 * HOUR }),
      ],
      ['p10', 'p0'],
    ],
    [
      'on equal score and priority, the earlier last run (both ran after the fire time)',
      [item('later', { lastRunAt: NOW + 2 * HOUR }), item('earlier', { lastRunAt: NOW + HOUR })],
      ['earlier', 'later'],
    ],
    [
      'by exact score even when the scores differ by one millisecond of staleness',
      [
        item('p10', { priority: 10, lastRunAt: NOW - 1000 * HOUR }),
        item('p0', { lastRunAt: NOW - 2000 * HOUR - 1 }),
      ],
      ['p0', 'p10'],
    ],
    [
      'on a full tie, the id in code-unit order, not locale order',
      [item('b'), item('B'), item('a'), item('ä')],
      ['B', 'a', 'b', 'ä'],
    ],
  ])('ranks %s', (_, items, expected) => {
    expect(orderedIds(items)).toEqual(expected);
  });

  it('scores staleness in coverage windows weighted by 2^(priority/10)', () => {
    expect(itemScore(NOW - 120 * HOUR, 0, NOW, 120)).toBe(1);
    expect(itemScore(NOW - 60 * HOUR, 20, NOW, 120)).toBe(2);
    expect(itemScore(NOW - 240 * HOUR, -10, NOW, 120)).toBe(1);
    expect(itemScore(NOW + HOUR, 50, NOW, 120)).toBe(0);
  });

  it('refuses a priority outside −100…100 or not an integer', () => {
    expect(() => orderItems([item('x', { priority: 101 })], NOW, 120)).toThrow(RangeError);
    expect(() => orderItems([item('x', { priority: 0.5 })], NOW, 120)).toThrow(RangeError);
    expect(() => orderItems([item('x')], NOW, 0)).toThrow(RangeError);
  });

  it('gives never-run items a NaN score and the others their item score', () => {
    const { order, scores } = orderItems([item('x', { lastRunAt: null }), item('y')], NOW, 120);
    expect([...order]).toEqual([0, 1]);
    expect(scores[0]).toBeNaN();
    expect(scores[1]).toBe(0.2);
  });

  it('agrees with the plain comparator of the SPEC on any items', () => {
    fc.assert(
      fc.property(arbItems, fc.integer({ min: 1, max: 500 }), (items, windowHours) => {
        const { order } = orderItems(items, NOW, windowHours);
        expect([...order].map((i) => items[i]!.id)).toEqual(
          referenceOrder(items, NOW, windowHours),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('orders ids by code units however they share prefixes', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.oneof(
            fc.string({ unit: 'binary', maxLength: 10 }),
            fc.stringMatching(/^same-prefix-[a-c]{0,12}$/),
          ),
          { maxLength: 80 },
        ),
        (ids) => {
          const sorted = [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
          expect([...idOrder(ids)].map((i) => ids[i])).toEqual(sorted);
        },
      ),
      { numRuns: 300 },
    );
  });
});
