// One tick's records from the core's plan (SPEC section 3 steps 1–6): the tick, every candidate's
// decision, the runs, and the items as a later tick of the same pass will see them (the runs just
// queued are their live runs). Pure but for the ids it is handed; storage makes the rows.
import { MS_PER_MINUTE } from '../core/civil-date.ts';
import { ERROR_CODES } from '../core/error-codes.ts';
import { authorizationFailedMessage } from '../core/grant-status.ts';
import type { ItemState, NewRun, PlannedTick, TickContext } from '../core/firing-records.ts';
import { planTick, type PlannedRun, type TickOwner, type TickPlan } from '../core/plan-tick.ts';
import type { TickTrigger } from '../core/tick-outcome.ts';

export interface TickInputs {
  readonly fireTime: number;
  readonly trigger: TickTrigger;
  readonly now: number;
  /** When the tick's runs may start: a jittered fire time; null for at once. */
  readonly dispatchAt: number | null;
  readonly fireTimes: readonly number[];
  readonly tenantLeft: number | null;
  /** Who the schedule runs as, and for a user the state of their grant (batch-inputs.ts). */
  readonly owner: TickOwner;
}

/** One tick's plan and rows, and the items as the next tick of the same pass will see them. */
export function buildTick(
  newId: () => string,
  context: TickContext,
  items: readonly ItemState[],
  inputs: TickInputs,
): { readonly write: PlannedTick; readonly plan: TickPlan; readonly items: readonly ItemState[] } {
  const { schedule } = context;
  const { fireTime, trigger, now, owner } = inputs;
  const plan = planTick({
    trigger,
    fireTime,
    coverageWindowHours: schedule.coverage_window_hours,
    dailyBudget: schedule.daily_budget,
    fireTimes: inputs.fireTimes,
    tenantLeft: inputs.tenantLeft,
    overlapPolicy: schedule.overlap_policy,
    owner,
    items: items.map((state) => ({
      id: state.item.id,
      priority: state.item.priority,
      lastRunAt: state.item.last_run_at,
      createdAt: state.item.created_at,
      agentCost: state.agentCost,
      enabled: state.item.enabled,
      targetErrors: state.targetErrors,
      liveRunId: state.liveRunId,
      previous: { live: state.liveRunId !== null, waiting: state.waiting },
    })),
  });
  const tickId = newId();
  const byId = new Map(items.map((state) => [state.item.id, state]));
  const runs = plan.runs.map((run): NewRun => {
    const { item } = byId.get(run.itemId)!;
    const failed = run.status === 'failed';
    return {
      id: newId(),
      item_id: item.id,
      target_kind: item.target_kind,
      target_id: item.target_id,
      parameters: item.parameters,
      status: run.status,
      agents_spawned: run.agentCost,
      error_code: run.errorCode,
      error_message: errorMessage(run.errorCode, owner),
      after_run_id: run.afterRunId,
      dispatch_at: failed ? null : inputs.dispatchAt,
      finished_at: failed ? now : null,
    };
  });
  // The runs just queued are the items' live runs for a later tick of the same pass.
  const queued = new Map(
    plan.runs.flatMap((run, i) => (run.status === 'queued' ? [[run.itemId, i] as const] : [])),
  );
  const after = items.map((state) => {
    const i = queued.get(state.item.id);
    if (i === undefined) return state;
    return {
      ...state,
      item: { ...state.item, last_run_at: fireTime },
      liveRunId: runs[i]!.id,
      waiting: state.waiting || plan.runs[i]!.afterRunId !== null,
    };
  });
  return {
    plan,
    items: after,
    write: {
      tick: {
        id: tickId,
        tenant_id: schedule.tenant_id,
        project_id: schedule.project_id,
        schedule_id: schedule.id,
        trigger,
        fire_time: fireTime,
        per_tick_budget: plan.perTick,
        tenant_left: inputs.tenantLeft,
        // A catch-up tick's runs get the whole deadline from now, not from their old fire time,
        // and a jittered tick's from when its runs may start.
        deadline_at:
          Math.max(inputs.dispatchAt ?? fireTime, now) +
          schedule.tick_deadline_minutes * MS_PER_MINUTE,
        outcome: plan.runs.length === 0 ? 'skipped' : null,
        ended_at: plan.runs.length === 0 ? now : null,
        created_at: now,
      },
      entries: plan.entries,
      runs,
      ranItemIds: [...queued.keys()],
      cancelRunIds: plan.runs.flatMap((run) => (run.cancelRunId === null ? [] : [run.cancelRunId])),
    },
  };
}

/** A failed run's message: for a missing grant, seed 1's troubleshooting steps. */
function errorMessage(code: PlannedRun['errorCode'], owner: TickOwner): string | null {
  if (code === null) return null;
  if (code === 'authorization_failed' && owner.kind === 'user' && owner.grant !== 'active')
    return authorizationFailedMessage(owner.grant);
  return ERROR_CODES[code].summary;
}
