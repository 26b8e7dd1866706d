// Users (migration 0012): local accounts, email lower-cased and unique per tenant. Reads that serve
// a request are scoped by tenant; the sign-in lookup finds the email across tenants and orders
// them oldest tenant first (ADR 48), and the operator commands see every tenant.
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Role } from '../core/principal.ts';
import type { Database } from './database.ts';
import type { Schema } from './schema.ts';
import type { UserTable } from './schema-identity.ts';

export type UserRow = Readonly<Selectable<UserTable>>;
/** What reads show: never the password hash. */
export type UserSummary = Omit<UserRow, 'password_hash'>;

const SUMMARY = [
  'id',
  'tenant_id',
  'email',
  'name',
  'role',
  'last_sign_in_at',
  'created_at',
  'updated_at',
] as const;

export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

/** Inserts a user; 'email_taken' when the tenant already has one with this email. */
export async function insertUser(
  executor: Kysely<Schema>,
  row: Readonly<Insertable<UserTable>>,
): Promise<'inserted' | 'email_taken'> {
  const inserted = await executor
    .insertInto('users')
    .values({ ...row, email: normaliseEmail(row.email) })
    .onConflict((oc) => oc.columns(['tenant_id', 'email']).doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0 ? 'inserted' : 'email_taken';
}

/**
 * The user signing in with `email`: in the tenant named `tenantName`, or else in the oldest
 * tenant that has the email (the installation's default tenant comes first).
 */
export async function findUserForSignIn(
  database: Database,
  email: string,
  tenantName: string | undefined,
): Promise<UserRow | undefined> {
  return database.db
    .selectFrom('users')
    .innerJoin('tenants', 'tenants.id', 'users.tenant_id')
    .selectAll('users')
    .where('users.email', '=', normaliseEmail(email))
    .$if(tenantName !== undefined, (q) => q.where('tenants.name', '=', tenantName as string))
    .orderBy('tenants.created_at')
    .orderBy('tenants.id')
    .limit(1)
    .executeTakeFirst();
}

/** The tenant a failed sign-in is recorded in: the one named, or the oldest. */
export async function signInTenant(
  database: Database,
  tenantName: string | undefined,
): Promise<string | undefined> {
  const row = await database.db
    .selectFrom('tenants')
    .select('id')
    .$if(tenantName !== undefined, (q) => q.where('name', '=', tenantName as string))
    .orderBy('created_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return row?.id;
}

/** A tenant's users, oldest first; every tenant's when `tenantId` is undefined (the CLI). */
export async function listUsers(
  executor: Kysely<Schema>,
  tenantId: string | undefined,
): Promise<UserSummary[]> {
  return executor
    .selectFrom('users')
    .select(SUMMARY)
    .$if(tenantId !== undefined, (q) => q.where('tenant_id', '=', tenantId as string))
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function findUser(
  executor: Kysely<Schema>,
  tenantId: string,
  id: string,
): Promise<UserSummary | undefined> {
  return executor
    .selectFrom('users')
    .select(SUMMARY)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/**
 * The tenant's admins' ids, locked for the enclosing write transaction: two admins demoting or
 * deleting each other at once are serialised, so the tenant keeps one.
 */
export async function lockAdmins(
  database: Database,
  trx: Kysely<Schema>,
  tenantId: string,
): Promise<string[]> {
  const rows = await database.coordination
    .exclusiveLock(
      trx
        .selectFrom('users')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('role', '=', 'admin'),
    )
    .execute();
  return rows.map((row) => row.id);
}

export interface UserChange {
  readonly email?: string | undefined;
  readonly name?: string | undefined;
  readonly role?: Role | undefined;
  readonly password_hash?: string | undefined;
}

/** 'email_taken' when another user of the tenant has the new email; undefined when missing. */
export async function updateUser(
  executor: Kysely<Schema>,
  tenantId: string,
  id: string,
  change: UserChange,
  now: number,
): Promise<UserSummary | 'email_taken' | undefined> {
  if (change.email !== undefined) {
    const email = normaliseEmail(change.email);
    const other = await executor
      .selectFrom('users')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('email', '=', email)
      .where('id', '<>', id)
      .executeTakeFirst();
    if (other !== undefined) return 'email_taken';
  }
  return executor
    .updateTable('users')
    .set({
      ...(change.email === undefined ? {} : { email: normaliseEmail(change.email) }),
      ...(change.name === undefined ? {} : { name: change.name }),
      ...(change.role === undefined ? {} : { role: change.role }),
      ...(change.password_hash === undefined ? {} : { password_hash: change.password_hash }),
      updated_at: now,
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .returning(SUMMARY)
    .executeTakeFirst();
}

export async function markSignedIn(
  executor: Kysely<Schema>,
  id: string,
  now: number,
): Promise<void> {
  await executor.updateTable('users').set({ last_sign_in_at: now }).where('id', '=', id).execute();
}

export async function deleteUser(
  executor: Kysely<Schema>,
  tenantId: string,
  id: string,
): Promise<boolean> {
  const result = await executor
    .deleteFrom('users')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function countUsers(database: Database): Promise<number> {
  const row = await database.db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('users'))
    .executeTakeFirst();
  return Number(row?.users ?? 0);
}

/**
 * Pauses the user's enabled schedules with `note` (through `executor`, in the caller's
 * transaction); the paused schedules' ids.
 */
export async function pauseUserSchedules(
  executor: Kysely<Schema>,
  tenantId: string,
  userId: string,
  note: string,
  now: number,
): Promise<string[]> {
  const rows = await executor
    .updateTable('schedules')
    .set((eb) => ({
      enabled: 0,
      pause_note: note,
      next_fire_at: null,
      revision: eb('revision', '+', 1),
      updated_at: now,
    }))
    .where('tenant_id', '=', tenantId)
    .where('owner_kind', '=', 'user')
    .where('owner_id', '=', userId)
    .where('enabled', '=', 1)
    .returning('id')
    .execute();
  return rows.map((row) => row.id);
}

/** The name reads show for a schedule's owner: a user's name or a client's; null once gone. */
export async function ownerName(
  executor: Kysely<Schema>,
  tenantId: string,
  owner: { readonly kind: 'client' | 'user'; readonly id: string },
): Promise<string | null> {
  const row =
    owner.kind === 'user'
      ? await executor
          .selectFrom('users')
          .select('name')
          .where('tenant_id', '=', tenantId)
          .where('id', '=', owner.id)
          .executeTakeFirst()
      : await executor
          .selectFrom('oauth_clients')
          .select('name')
          .where('tenant_id', '=', tenantId)
          .where('client_id', '=', owner.id)
          .executeTakeFirst();
  return row?.name ?? null;
}
