// What one tick does (SPEC section 3 steps 1–6), decided in one pure function so that the
// engine only loads inputs and writes the plan. Every enabled item ends up in `entries` with
// its decision; every run to write is in `runs`: queued, or created failed when it cannot start.
import { MS_PER_HOUR } from './civil-date.ts';
import type { OverlapPolicy, PreviousRun } from './overlap-policy.ts';
import { decideSelection, type SelectableItem } from './select-items.ts';
import { coverageK, perTickBudget } from './tick-budget.ts';
import type { TickTrigger } from './tick-outcome.ts';

/** Why an enabled item is not run, beyond the selection's own reasons. */
export const TickSkipReason = {
  budget: 'budget',
  tenant_budget: 'tenant_budget',
  overlap: 'overlap',
  invalid_target: 'invalid_target',
  authorization_required: 'authorization_required',
  authorization_expired: 'authorization_expired',
} as const;
export type TickSkipReason = (typeof TickSkipReason)[keyof typeof TickSkipReason];

export interface TickCandidate extends SelectableItem {
  readonly enabled: boolean;
  /** Problems with the item's target (missing, or no longer validating); empty when runnable. */
  readonly targetErrors: readonly { readonly code: string; readonly message: string }[];
  /** The item's live run, for buffer_one (after it) and cancel_other (cancel it). */
  readonly liveRunId: string | null;
  readonly previous: PreviousRun;
}

/** Who the schedule runs as: a machine client needs nothing more; a user needs a live grant. */
export type TickOwner =
  | { readonly kind: 'client' }
  | { readonly kind: 'user'; readonly grant: 'active' | 'none' | 'revoked' | 'expired' };

export interface TickInput {
  readonly trigger: TickTrigger;
  /** The nominal fire time; for a manual tick, the instant it was triggered. */
  readonly fireTime: number;
  readonly coverageWindowHours: number;
  /** `daily_budget`: runs per tick, or null for auto. */
  readonly dailyBudget: number | null;
  /** The cadence's fire times from fireTime − window to fireTime + 28 days + window (auto K). */
  readonly fireTimes: readonly number[];
  /** Agents the tenant may still spawn today; null = unlimited. */
  readonly tenantLeft: number | null;
  readonly overlapPolicy: OverlapPolicy;
  readonly owner: TickOwner;
  readonly items: readonly TickCandidate[];
}

export interface TickEntry {
  readonly itemId: string;
  /** Position in the selection order; null for items that were never candidates. */
  readonly rank: number | null;
  readonly score: number | null;
  readonly outcome: 'selected' | 'skipped';
  readonly reason: TickSkipReason | null;
  readonly errors: TickCandidate['targetErrors'] | null;
}

export interface PlannedRun {
  readonly itemId: string;
  readonly status: 'queued' | 'failed';
  readonly errorCode: 'schema_mismatch' | 'authorization_failed' | null;
  /** buffer_one: the run this one waits behind. */
  readonly afterRunId: string | null;
  /** cancel_other: the live run to cancel first. */
  readonly cancelRunId: string | null;
  readonly agentCost: number;
}

export interface TickPlan {
  readonly perTick: number;
  /** False when some coverage window holds no fire time (the forecast says so too). */
  readonly windowMet: boolean;
  readonly entries: readonly TickEntry[];
  readonly runs: readonly PlannedRun[];
  /** Agents the queued runs will spawn (runs created failed spawn none). */
  readonly agentsSpawned: number;
}

const ACTIONS_BY_CODE = ['start', 'buffer', 'cancel_previous'] as const;
const REASONS_BY_CODE = [null, 'budget', 'tenant_budget', 'overlap'] as const;

export function planTick(input: TickInput): TickPlan {
  const enabled = input.items.filter((item) => item.enabled);
  const invalid = enabled.filter((item) => item.targetErrors.length > 0);
  const candidates = enabled.filter((item) => item.targetErrors.length === 0);

  const { k, windowMet } = coverageK(
    input.fireTimes,
    input.fireTime,
    input.coverageWindowHours * MS_PER_HOUR,
  );
  const perTick = perTickBudget({
    dailyBudget: input.dailyBudget,
    candidates: candidates.length,
    k,
  });
  const decision = decideSelection({
    fireTime: input.fireTime,
    coverageWindowHours: input.coverageWindowHours,
    perTick,
    tenantLeft: input.tenantLeft,
    overlapPolicy: input.overlapPolicy,
    items: candidates,
  });

  // Without a live grant nothing selected starts: each gets a failed run, and no budget is used.
  const denied =
    input.owner.kind === 'user' && input.owner.grant !== 'active'
      ? input.owner.grant === 'expired'
        ? TickSkipReason.authorization_expired
        : TickSkipReason.authorization_required
      : null;

  const entries: TickEntry[] = [];
  const runs: PlannedRun[] = [];
  let agentsSpawned = 0;
  decision.order.forEach((index, r) => {
    const item = candidates[index]!;
    const raw = decision.scores[index]!;
    const score = raw === raw ? raw : null;
    const skipReason = REASONS_BY_CODE[decision.outcomes[r]!] ?? null;
    if (skipReason !== null) {
      entries.push({
        itemId: item.id,
        rank: r + 1,
        score,
        outcome: 'skipped',
        reason: skipReason,
        errors: null,
      });
      return;
    }
    if (denied !== null) {
      entries.push({
        itemId: item.id,
        rank: r + 1,
        score,
        outcome: 'skipped',
        reason: denied,
        errors: null,
      });
      runs.push({
        itemId: item.id,
        status: 'failed',
        errorCode: 'authorization_failed',
        afterRunId: null,
        cancelRunId: null,
        agentCost: 0,
      });
      return;
    }
    const action = ACTIONS_BY_CODE[decision.actions[r]!] ?? 'start';
    entries.push({
      itemId: item.id,
      rank: r + 1,
      score,
      outcome: 'selected',
      reason: null,
      errors: null,
    });
    runs.push({
      itemId: item.id,
      status: 'queued',
      errorCode: null,
      afterRunId: action === 'buffer' ? item.liveRunId : null,
      cancelRunId: action === 'cancel_previous' ? item.liveRunId : null,
      agentCost: item.agentCost,
    });
    agentsSpawned += item.agentCost;
  });
  // A target that does not validate is no candidate: its run fails visibly, spawning nothing.
  for (const item of invalid) {
    entries.push({
      itemId: item.id,
      rank: null,
      score: null,
      outcome: 'skipped',
      reason: 'invalid_target',
      errors: item.targetErrors,
    });
    runs.push({
      itemId: item.id,
      status: 'failed',
      errorCode: 'schema_mismatch',
      afterRunId: null,
      cancelRunId: null,
      agentCost: 0,
    });
  }
  return { perTick, windowMet, entries, runs, agentsSpawned };
}
