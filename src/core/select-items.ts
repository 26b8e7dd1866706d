// Which items a tick runs, and why each other candidate does not (SPEC section 3 step 3).
//
// The walk takes each item in the selection order (item-order.ts) if its overlap policy lets
// it start, one more run fits the per-tick budget and its agent cost fits what is left of the
// tenant's day; an item that does not fit is skipped and the walk goes on, so a cheap item
// can use what an expensive one could not.

import { orderItems, type OrderableItem } from './item-order.ts';
import { decideOverlap, type OverlapPolicy, type PreviousRun } from './overlap-policy.ts';

export interface SelectableItem extends OrderableItem {
  /** Agents one run of the item spawns (a journey 1, a test plan one per journey). */
  readonly agentCost: number;
  readonly previous: PreviousRun;
}

export interface SelectItemsInput {
  /** Staleness is measured here. */
  readonly fireTime: number;
  readonly coverageWindowHours: number;
  /** Runs allowed this tick. */
  readonly perTick: number;
  /** Agents the tenant may still spawn today; null = unlimited. */
  readonly tenantLeft: number | null;
  readonly overlapPolicy: OverlapPolicy;
  /** Candidates, with unique ids (duplicates would make the order depend on input order). */
  readonly items: readonly SelectableItem[];
}

export const SkipReason = {
  budget: 'budget',
  tenant_budget: 'tenant_budget',
  overlap: 'overlap',
} as const;
export type SkipReason = (typeof SkipReason)[keyof typeof SkipReason];

interface EntryBase {
  readonly itemId: string;
  /** 1-based position in the order. */
  readonly rank: number;
  /** null for an item that never ran. */
  readonly score: number | null;
}
export interface SelectedEntry extends EntryBase {
  readonly outcome: 'selected';
  readonly overlap: 'start' | 'buffer' | 'cancel_previous';
}
export interface SkippedEntry extends EntryBase {
  readonly outcome: 'skipped';
  readonly reason: SkipReason;
}
export type SelectionEntry = SelectedEntry | SkippedEntry;

export interface Selection {
  /** Every candidate, in rank order. */
  readonly entries: readonly SelectionEntry[];
  readonly totals: { readonly runs: number; readonly agents: number };
}

const skipped = (
  itemId: string,
  rank: number,
  score: number | null,
  reason: SkipReason,
): SkippedEntry => ({ itemId, rank, score, outcome: 'skipped', reason });

export function selectItems(input: SelectItemsInput): Selection {
  const { items, perTick, overlapPolicy } = input;
  // Manual runs can overspend the tenant's day; what is left is then nothing, not a debt that
  // would also refuse items that spawn no agents.
  const tenantLeft = input.tenantLeft === null ? null : Math.max(0, input.tenantLeft);
  const { order, scores } = orderItems(items, input.fireTime, input.coverageWindowHours);
  const entries = new Array<SelectionEntry>(order.length);
  let runs = 0;
  let agents = 0;
  for (let r = 0; r < order.length; r++) {
    const item = items[order[r]!]!;
    const s = scores[order[r]!]!;
    const score = s === s ? s : null; // NaN marks a never-run item
    const rank = r + 1;
    const action = decideOverlap(overlapPolicy, item.previous);
    if (action === 'skip') {
      entries[r] = skipped(item.id, rank, score, 'overlap');
    } else if (runs + 1 > perTick) {
      entries[r] = skipped(item.id, rank, score, 'budget');
    } else if (tenantLeft !== null && agents + item.agentCost > tenantLeft) {
      entries[r] = skipped(item.id, rank, score, 'tenant_budget');
    } else {
      runs += 1;
      agents += item.agentCost;
      entries[r] = { itemId: item.id, rank, score, outcome: 'selected', overlap: action };
    }
  }
  return { entries, totals: { runs, agents } };
}
