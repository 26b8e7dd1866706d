// Digests as a delivery queue (SPEC section 8). A tick's digest is queued in the transaction
// that ends the tick, so an ended tick and its digest are never separated; mailers claim due
// digests with a lease and a fencing token (as workers claim runs), send outside any
// transaction, and record the result only while their token is current.
import type { Insertable, Kysely } from 'kysely';
import { storedDigestConfig } from '../../core/digest-config.ts';
import { DIGEST_MAX_ATTEMPTS, digestStatusesBefore } from '../../core/digest-delivery.ts';
import { digestWanted } from '../../core/digest-policy.ts';
import type {
  DeliveryResult,
  DigestContent,
  DigestHolder,
  DigestRecord,
  NewDigest,
} from '../../core/digest-records.ts';
import type { Database } from '../database.ts';
import { digestRecord, digestRecordOrUndefined } from './digest-rows.ts';
import { moveDigest } from './status-moves.ts';
import { uuidv7 } from '../new-id.ts';
import type { DigestTable, Schema } from '../schema.ts';

export interface TickDigestRequest {
  readonly tickId: string;
  readonly scheduleId: string;
  readonly now: number;
  readonly notice: string | null;
}

/**
 * Queues the digest of a tick that just ended, inside the transaction that ended it, when the
 * schedule's digest_config is enabled and its send policy wants this tick; true when queued.
 */
export async function queueTickDigest(
  trx: Kysely<Schema>,
  request: TickDigestRequest,
): Promise<boolean> {
  const schedule = await trx
    .selectFrom('schedules')
    .select(['tenant_id', 'digest_config'])
    .where('id', '=', request.scheduleId)
    .executeTakeFirst();
  if (schedule === undefined) return false;
  const config = storedDigestConfig(schedule.digest_config);
  if (config === null || !config.enabled) return false;
  const runs = await trx
    .selectFrom('runs')
    .select(['id', 'status'])
    .where('tick_id', '=', request.tickId)
    .execute();
  const findings =
    runs.length === 0
      ? []
      : await trx
          .selectFrom('findings')
          .select('severity')
          .where(
            'run_id',
            'in',
            runs.map((r) => r.id),
          )
          .execute();
  const wanted = digestWanted(config, {
    failedRuns: runs.filter((r) => r.status === 'failed').length,
    findingSeverities: findings.map((f) => f.severity),
  });
  if (!wanted) return false;
  const inserted = await trx
    .insertInto('digests')
    .values(
      digestRow({
        id: uuidv7(request.now),
        tenantId: schedule.tenant_id,
        scheduleId: request.scheduleId,
        tickId: request.tickId,
        kind: 'tick',
        recipients: config.recipients,
        minSeverity: config.minSeverity,
        notice: request.notice,
        now: request.now,
      }),
    )
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/**
 * Decides the digests of ticks that ended without `endTick`, written already ended because they
 * started no run (SPEC section 8: such a tick still has a digest); at most `limit` per call, each
 * once. Returns how many digests were queued.
 */
export async function queueDigestsOfEndedTicks(
  database: Database,
  now: number,
  limit: number,
): Promise<number> {
  const undecided = await database.db
    .selectFrom('ticks')
    .select('id')
    .where('digest_considered_at', 'is', null)
    .where('outcome', 'is not', null)
    .orderBy('created_at')
    .limit(limit)
    .execute();
  if (undecided.length === 0) return 0;
  return database.write(async (trx) => {
    // Only the ticks this call marks are decided here: a racing replica decides the others.
    const marked = await trx
      .updateTable('ticks')
      .set({ digest_considered_at: now })
      .where(
        'id',
        'in',
        undecided.map((t) => t.id),
      )
      .where('digest_considered_at', 'is', null)
      .returning(['id', 'schedule_id'])
      .execute();
    let queued = 0;
    for (const tick of marked) {
      const request = { tickId: tick.id, scheduleId: tick.schedule_id, now, notice: null };
      if (await queueTickDigest(trx, request)) queued++;
    }
    return queued;
  });
}

export const digestRow = (digest: NewDigest): Insertable<DigestTable> => ({
  id: digest.id,
  tenant_id: digest.tenantId,
  schedule_id: digest.scheduleId,
  tick_id: digest.tickId,
  kind: digest.kind,
  recipients: JSON.stringify(digest.recipients),
  min_severity: digest.minSeverity,
  notice: digest.notice,
  status: 'queued',
  attempts: 0,
  next_attempt_at: digest.now,
  fence: 0,
  created_at: digest.now,
  updated_at: digest.now,
});

/** Queues a digest outside a tick's end (a force-send). */
export async function insertDigest(database: Database, digest: NewDigest): Promise<void> {
  await database.db.insertInto('digests').values(digestRow(digest)).execute();
}

export interface DigestClaimRequest {
  readonly holder: string;
  readonly now: number;
  readonly leaseMs: number;
  readonly limit: number;
}

/** Claims up to `limit` due digests, oldest due first: each counts one attempt. */
export async function claimDigests(
  database: Database,
  request: DigestClaimRequest,
): Promise<DigestRecord[]> {
  const { holder, now, leaseMs, limit } = request;
  const claimed = await database.write(async (trx) => {
    const due = await database.coordination
      .claimable(
        trx
          .selectFrom('digests')
          .select('id')
          .where('status', '=', 'queued')
          .where('next_attempt_at', '<=', now)
          .orderBy('next_attempt_at')
          .orderBy('id')
          .limit(limit),
      )
      .execute();
    if (due.length === 0) return [];
    return (
      trx
        .updateTable('digests')
        .set((eb) => ({
          status: 'sending',
          lease_owner: holder,
          lease_until: now + leaseMs,
          fence: eb('fence', '+', 1),
          attempts: eb('attempts', '+', 1),
          updated_at: now,
        }))
        .where(
          'id',
          'in',
          due.map((d) => d.id),
        )
        // Re-checked under the row lock: a digest claimed meanwhile is not claimed twice.
        .where('status', 'in', [...digestStatusesBefore('sending')])
        .returningAll()
        .execute()
    );
  });
  return claimed
    .sort((a, b) => a.next_attempt_at - b.next_attempt_at || (a.id < b.id ? -1 : 1))
    .map(digestRecord);
}

/** Stores a digest's content the first time it is composed; later attempts reuse it. */
export async function storeDigestContent(
  database: Database,
  id: string,
  content: DigestContent,
  now: number,
): Promise<DigestRecord | undefined> {
  await database.db
    .updateTable('digests')
    .set({
      message_id: content.messageId,
      subject: content.subject,
      html: content.html,
      text: content.text,
      updated_at: now,
    })
    .where('id', '=', id)
    .where('message_id', 'is', null)
    .execute();
  return digestRecordOrUndefined(
    await database.db.selectFrom('digests').selectAll().where('id', '=', id).executeTakeFirst(),
  );
}

/** Records an attempt's result; false when the caller's token is stale, and then nothing changes. */
export async function finishDelivery(
  database: Database,
  holder: DigestHolder,
  result: DeliveryResult,
): Promise<boolean> {
  return moveDigest(database, { id: holder.id, holder }, result.status, {
    transport: result.transport,
    lease_owner: null,
    lease_until: null,
    updated_at: result.now,
    ...(result.status === 'sent'
      ? { sent_at: result.now, last_response: result.response, last_error: null }
      : { last_response: result.response, last_error: result.error }),
    ...(result.status === 'queued' ? { next_attempt_at: result.nextAttemptAt } : {}),
  });
}

export interface RecoveredDigests {
  readonly requeued: number;
  readonly failed: number;
}

/**
 * Digests whose mailer stopped while sending go back to the queue (an attempt remains) or fail.
 * The mail server may have accepted one already: its stable Message-ID lets receivers de-duplicate.
 */
export async function recoverExpiredDigests(
  database: Database,
  now: number,
  maxAttempts = DIGEST_MAX_ATTEMPTS,
): Promise<RecoveredDigests> {
  return database.write(async (trx) => {
    const requeued = await trx
      .updateTable('digests')
      .set({
        status: 'queued',
        next_attempt_at: now,
        lease_owner: null,
        lease_until: null,
        last_error: 'The mailer stopped while sending; trying again.',
        updated_at: now,
      })
      .where('status', '=', 'sending')
      .where('lease_until', '<', now)
      .where('attempts', '<', maxAttempts)
      .executeTakeFirst();
    const failed = await trx
      .updateTable('digests')
      .set({
        status: 'failed',
        lease_owner: null,
        lease_until: null,
        last_error: 'The mailer stopped while sending and no attempt is left.',
        updated_at: now,
      })
      .where('status', '=', 'sending')
      .where('lease_until', '<', now)
      .executeTakeFirst();
    return { requeued: Number(requeued.numUpdatedRows), failed: Number(failed.numUpdatedRows) };
  });
}

/** The earliest instant a queued digest is due, for the mailer's next wake-up. */
export async function nextDigestDueAt(database: Database): Promise<number | null> {
  const row = await database.db
    .selectFrom('digests')
    .select((eb) => eb.fn.min<number>('next_attempt_at').as('at'))
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return row?.at == null ? null : Number(row.at);
}
