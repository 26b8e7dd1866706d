// Who a run acts for when it calls agents and tools (issue 13, "Acting on behalf"): a run of a
// tick — scheduled, catch-up or triggered by hand — acts for the schedule's owner; a run someone
// started directly (POST /runs, re-run) acts for whoever started it: a signed-in user (trigger
// `manual`) or a machine client (trigger `api`), as `triggered_by` records.
import type { ActingFor } from './grant-status.ts';
import type { RunTrigger } from './run-state.ts';

export interface ActingParty {
  readonly tenantId: string;
  readonly kind: 'user' | 'client';
  /** The user's id, or the machine client's client id. */
  readonly id: string;
  /** Why it is this party: what an authorisation failure tells the user. */
  readonly as: ActingFor;
}

/** The facts of a run (and of its schedule, when it has one) that decide whom it acts for. */
export interface RunActingFacts {
  readonly tenant_id: string;
  readonly tick_id: string | null;
  readonly trigger: RunTrigger;
  readonly triggered_by: string | null;
  readonly owner_kind: 'user' | 'client' | null;
  readonly owner_id: string | null;
}

/** Undefined when the run acts for nobody it can name (its schedule is gone, no starter). */
export function actingParty(run: RunActingFacts): ActingParty | undefined {
  const tenantId = run.tenant_id;
  if (run.tick_id !== null)
    return run.owner_kind === null || run.owner_id === null
      ? undefined
      : { tenantId, kind: run.owner_kind, id: run.owner_id, as: 'schedule_owner' };
  if (run.triggered_by === null) return undefined;
  if (run.trigger === 'manual')
    return { tenantId, kind: 'user', id: run.triggered_by, as: 'run_starter' };
  if (run.trigger === 'api')
    return { tenantId, kind: 'client', id: run.triggered_by, as: 'run_starter' };
  return undefined;
}
