// Reading digests for people: the outbox list and entries, what force-send needs to know, and
// the delivery figures behind the mail status. Every read is scoped by tenant.
import { DigestStatus } from '../../core/digest-delivery.ts';
import type { DigestCursor, DigestRecord } from '../../core/digest-records.ts';
import type { Database } from '../database.ts';
import { digestRecord, digestRecordOrUndefined } from './digest-rows.ts';

export interface DigestPage {
  readonly digests: readonly DigestRecord[];
  /** Where the next page starts, when more may follow. */
  readonly next: DigestCursor | null;
}

/** A tenant's digests, newest first, `limit` at a time from `after`. */
export async function listDigests(
  database: Database,
  tenantId: string,
  page: { readonly limit: number; readonly after?: DigestCursor | undefined },
): Promise<DigestPage> {
  let query = database.db
    .selectFrom('digests')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1);
  const after = page.after;
  if (after !== undefined) {
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', after.createdAt),
        eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)]),
      ]),
    );
  }
  const rows = await query.execute();
  const digests = rows.slice(0, page.limit).map(digestRecord);
  const last = digests[digests.length - 1];
  return {
    digests,
    next:
      rows.length > page.limit && last !== undefined
        ? { createdAt: last.created_at, id: last.id }
        : null,
  };
}

export async function readDigest(
  database: Database,
  tenantId: string,
  id: string,
): Promise<DigestRecord | undefined> {
  const row = await database.db
    .selectFrom('digests')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return digestRecordOrUndefined(row);
}

export interface DigestTarget {
  readonly digestConfig: string | null;
  /** The schedule's most recent tick, if it ever ticked. */
  readonly latestTickId: string | null;
}

/** What force-sending a schedule's digest needs; undefined when the tenant has no such schedule. */
export async function digestTarget(
  database: Database,
  tenantId: string,
  scheduleId: string,
): Promise<DigestTarget | undefined> {
  const schedule = await database.db
    .selectFrom('schedules')
    .select('digest_config')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', scheduleId)
    .executeTakeFirst();
  if (schedule === undefined) return undefined;
  const tick = await database.db
    .selectFrom('ticks')
    .select('id')
    .where('schedule_id', '=', scheduleId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return { digestConfig: schedule.digest_config, latestTickId: tick?.id ?? null };
}

export interface DeliveryFigures {
  readonly counts: Readonly<Record<DigestStatus, number>>;
  /** The digest most recently delivered. */
  readonly lastSent: DigestRecord | undefined;
  /** Digests whose last attempt failed (given up, or waiting to retry), newest first. */
  readonly recentFailures: readonly DigestRecord[];
}

export async function deliveryFigures(
  database: Database,
  tenantId: string,
  failures: number,
): Promise<DeliveryFigures> {
  const { db } = database;
  const grouped = await db
    .selectFrom('digests')
    .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
    .where('tenant_id', '=', tenantId)
    .groupBy('status')
    .execute();
  const counts = Object.fromEntries(Object.values(DigestStatus).map((s) => [s, 0])) as Record<
    DigestStatus,
    number
  >;
  for (const row of grouped) counts[row.status] = Number(row.count);
  const lastSent = await db
    .selectFrom('digests')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'sent')
    .orderBy('sent_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const recentFailures = await db
    .selectFrom('digests')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('last_error', 'is not', null)
    .where('status', 'in', ['failed', 'queued'])
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc')
    .limit(failures)
    .execute();
  return {
    counts,
    lastSent: digestRecordOrUndefined(lastSent),
    recentFailures: recentFailures.map(digestRecord),
  };
}
