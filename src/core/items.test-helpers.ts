// Generators shared by the ordering and selection tests: small domains, so that ties on every
// key are common, and ids of every shape.
import fc from 'fast-check';
import type { OrderableItem } from './item-order.ts';
import type { SelectableItem } from './select-items.ts';

export const HOUR = 3_600_000;
export const NOW = Date.UTC(2026, 5, 1, 9);

export const arbOrderableItem = (id: string): fc.Arbitrary<OrderableItem> =>
  fc.record({
    id: fc.constant(id),
    priority: fc.oneof(fc.constantFrom(-100, -10, 0, 10, 100), fc.integer({ min: -100, max: 100 })),
    lastRunAt: fc.option(
      fc.oneof(
        fc.constantFrom(NOW - 24 * HOUR, NOW - 48 * HOUR, NOW, NOW + HOUR),
        fc.integer({ min: NOW - 50_000 * HOUR, max: NOW }),
      ),
      { freq: 4 },
    ),
    // Spans of years, so that times differ beyond their low 32 bits too.
    createdAt: fc.constantFrom(NOW - 40_000 * HOUR, NOW - 1500 * HOUR, NOW - 3 * HOUR),
  });

export const arbSelectableItem = (id: string): fc.Arbitrary<SelectableItem> =>
  fc
    .tuple(
      arbOrderableItem(id),
      fc.integer({ min: 0, max: 6 }),
      fc.record({ live: fc.boolean(), waiting: fc.boolean() }),
    )
    .map(([item, agentCost, previous]) => ({ ...item, agentCost, previous }));

const arbId = fc.oneof(
  fc.uuid(),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.stringMatching(/^item-0[0-9]{0,3}$/),
);

/** Lists of items with distinct ids. */
export const arbItemList = <T>(arbItem: (id: string) => fc.Arbitrary<T>): fc.Arbitrary<T[]> =>
  fc.uniqueArray(arbId, { maxLength: 60 }).chain((ids) => fc.tuple(...ids.map(arbItem)));
