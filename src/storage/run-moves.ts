// A run's status changes, held to the run state machine (core/run-state.ts): an update applies
// only to a run in a status the table lets move to the new one, and a move the table forbids is
// refused with IllegalRunTransition rather than written or silently dropped.
import type { ExpressionBuilder, Kysely, UpdateObject } from 'kysely';
import { assertTransition, runStatusesBefore, type RunStatus } from '../core/run-state.ts';
import type { Schema } from './schema.ts';

export type RunChanges = (
  eb: ExpressionBuilder<Schema, 'runs'>,
) => Omit<UpdateObject<Schema, 'runs'>, 'status'>;

/** The run to move: with a `fence`, it is that lease holder's move of a running run. */
export interface RunMoveTarget {
  readonly id: string;
  readonly fence?: number;
  /** Only a run of this tenant moves (the API's moves). */
  readonly tenantId?: string;
}

/**
 * Moves one run to `to` with `changes` and returns its row. A lease holder's move (`fence`) is
 * from `running` while the run still carries that token; a stale holder changes nothing and gets
 * undefined. Without a fence, a run in a status that cannot move to `to` is refused. A run that is
 * gone (or another tenant's) resolves undefined.
 */
export async function moveRun(
  executor: Kysely<Schema>,
  target: RunMoveTarget,
  to: RunStatus,
  changes: RunChanges = () => ({}),
) {
  const { id, fence, tenantId } = target;
  if (fence !== undefined) assertTransition('running', to);
  let update = executor
    .updateTable('runs')
    .set((eb) => ({ ...changes(eb), status: to }))
    .where('id', '=', id);
  if (tenantId !== undefined) update = update.where('tenant_id', '=', tenantId);
  update =
    fence === undefined
      ? update.where('status', 'in', [...runStatusesBefore(to)])
      : update.where('status', '=', 'running').where('fence', '=', fence);
  const row = await update.returningAll().executeTakeFirst();
  if (row !== undefined || fence !== undefined) return row;
  let current = executor.selectFrom('runs').select('status').where('id', '=', id);
  if (tenantId !== undefined) current = current.where('tenant_id', '=', tenantId);
  const found = await current.executeTakeFirst();
  if (found !== undefined) assertTransition(found.status, to);
  return undefined;
}
