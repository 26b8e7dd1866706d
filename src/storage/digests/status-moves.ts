// A digest's status changes, held to the delivery state machine (core/digest-delivery.ts): an
// update applies only to a digest in a status the table lets move to the new one, and a move the
// table forbids is refused with IllegalDigestTransition rather than written or silently dropped.
import type { Updateable } from 'kysely';
import {
  assertDigestMove,
  digestStatusesBefore,
  type DigestStatus,
} from '../../core/digest-delivery.ts';
import type { DigestHolder } from '../../core/digest-records.ts';
import type { Database } from '../database.ts';
import type { DigestTable } from '../schema.ts';

/**
 * Moves one digest to `to`, with `changes`. With a `holder`, the move is that claim's result: the
 * digest moves from `sending` while it still carries the claim's fencing token, and a stale
 * holder's move changes nothing and resolves false. Without one, a digest in a status that cannot
 * move to `to` is refused. A digest that is gone resolves false.
 */
export async function moveDigest(
  database: Database,
  target: { readonly id: string; readonly holder?: DigestHolder },
  to: DigestStatus,
  changes: Omit<Updateable<DigestTable>, 'status'> = {},
): Promise<boolean> {
  const { id, holder } = target;
  if (holder !== undefined) assertDigestMove('sending', to);
  let update = database.db
    .updateTable('digests')
    .set({ ...changes, status: to })
    .where('id', '=', id);
  update =
    holder === undefined
      ? update.where('status', 'in', [...digestStatusesBefore(to)])
      : update.where('status', '=', 'sending').where('fence', '=', holder.fence);
  const updated = await update.executeTakeFirst();
  if (updated.numUpdatedRows > 0n || holder !== undefined) return updated.numUpdatedRows > 0n;
  const current = await database.db
    .selectFrom('digests')
    .select('status')
    .where('id', '=', id)
    .executeTakeFirst();
  if (current !== undefined) assertDigestMove(current.status, to);
  return false;
}
