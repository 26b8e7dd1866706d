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

/** A skip reason or selection, per rank, as a byte: decisions for 100,000 items stay columnar. */
const SELECTED = 0;
const OUTCOME_CODES = [
  null,
  SkipReason.budget,
  SkipReason.tenant_budget,
  SkipReason.overlap,
] as const;
const ACTIONS = ['start', 'buffer', 'cancel_previous'] as const;

/** What the walk decided, by rank: cheap to compute, turned into entries only when wanted. */
export interface SelectionDecision {
  /** Item indices (into the input) in rank order. */
  readonly order: Uint32Array;
  /** Score by item index; NaN for an item that never ran. */
  readonly scores: Float64Array;
  /** By rank: 0 selected, else an index into the skip reasons (budget, tenant_budget, overlap). */
  readonly outcomes: Uint8Array;
  /** By rank, for selected items: 0 start, 1 buffer, 2 cancel_previous. */
  readonly actions: Uint8Array;
  readonly totals: { readonly runs: number; readonly agents: number };
}

export function decideSelection(input: SelectItemsInput): SelectionDecision {
  const { items, perTick, overlapPolicy } = input;
  // Manual runs can overspend the tenant's day; what is left is then nothing, not a debt that
  // would also refuse items that spawn no agents.
  const tenantLeft = input.tenantLeft === null ? null : Math.max(0, input.tenantLeft);
  const { order, scores } = orderItems(items, input.fireTime, input.coverageWindowHours);
  // Read what the walk needs once, in input order: walking 100,000 objects in rank order
  // would miss the cache on nearly every item.
  const n = items.length;
  const cost = new Float64Array(n);
  const overlap = new Uint8Array(n); // 0 skip, else 1 + the action's index
  for (let i = 0; i < n; i++) {
    const item = items[i]!;
    cost[i] = item.agentCost;
    const action = decideOverlap(overlapPolicy, item.previous);
    overlap[i] = action === 'skip' ? 0 : 1 + ACTIONS.indexOf(action);
  }
  const outcomes = new Uint8Array(n);
  const actions = new Uint8Array(n);
  let runs = 0;
  let agents = 0;
  for (let r = 0; r < n; r++) {
    const index = order[r]!;
    if (overlap[index] === 0) {
      outcomes[r] = 3;
    } else if (runs + 1 > perTick) {
      outcomes[r] = 1;
    } else if (tenantLeft !== null && agents + cost[index]! > tenantLeft) {
      outcomes[r] = 2;
    } else {
      runs += 1;
      agents += cost[index]!;
      outcomes[r] = SELECTED;
      actions[r] = overlap[index]! - 1;
    }
  }
  return { order, scores, outcomes, actions, totals: { runs, agents } };
}

/** One entry per candidate, in rank order: for the audit trail, the forecast and tests. */
export function selectionEntries(
  items: readonly SelectableItem[],
  decision: SelectionDecision,
): SelectionEntry[] {
  const { order, scores, outcomes, actions } = decision;
  return Array.from(order, (index, r): SelectionEntry => {
    const itemId = items[index]!.id;
    const s = scores[index]!;
    const score = s === s ? s : null; // NaN marks a never-run item
    const reason = OUTCOME_CODES[outcomes[r]!];
    return reason === null || reason === undefined
      ? { itemId, rank: r + 1, score, outcome: 'selected', overlap: ACTIONS[actions[r]!]! }
      : { itemId, rank: r + 1, score, outcome: 'skipped', reason };
  });
}

export function selectItems(input: SelectItemsInput): Selection {
  const decision = decideSelection(input);
  return { entries: selectionEntries(input.items, decision), totals: decision.totals };
}
