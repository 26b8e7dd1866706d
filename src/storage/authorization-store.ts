// The Authorize popup's short-lived records (migration 0012): attempts (a `state` and a sealed
// PKCE verifier bound to the session that opened the popup) and authorisation codes. Both are
// single-use: taking one marks it used in the same statement that finds it, so two racing
// requests cannot both have it.
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Schema } from './schema.ts';
import type { AuthorizationAttemptTable, AuthorizationCodeTable } from './schema-identity.ts';

export type AttemptRow = Readonly<Selectable<AuthorizationAttemptTable>>;
export type CodeRow = Readonly<Selectable<AuthorizationCodeTable>>;

export async function insertAttempt(
  executor: Kysely<Schema>,
  row: Readonly<Insertable<AuthorizationAttemptTable>>,
): Promise<void> {
  await executor.insertInto('authorization_attempts').values(row).execute();
}

/** The attempt with this state, marked used; undefined when unknown, used or expired. */
export async function takeAttempt(
  executor: Kysely<Schema>,
  stateDigest: string,
  now: number,
): Promise<AttemptRow | undefined> {
  return executor
    .updateTable('authorization_attempts')
    .set({ used_at: now })
    .where('state_digest', '=', stateDigest)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returningAll()
    .executeTakeFirst();
}

/** Forgets attempts and codes that ended before `before` (used or not). */
export async function pruneAuthorizations(executor: Kysely<Schema>, before: number): Promise<void> {
  await executor.deleteFrom('authorization_attempts').where('expires_at', '<', before).execute();
  await executor.deleteFrom('authorization_codes').where('expires_at', '<', before).execute();
}

export async function insertCode(
  executor: Kysely<Schema>,
  row: Readonly<Insertable<AuthorizationCodeTable>>,
): Promise<void> {
  await executor.insertInto('authorization_codes').values(row).execute();
}

/** The code's row, whatever its state: the callback checks whose it is before exchanging it. */
export async function findCode(
  executor: Kysely<Schema>,
  codeDigest: string,
): Promise<CodeRow | undefined> {
  return executor
    .selectFrom('authorization_codes')
    .selectAll()
    .where('code_digest', '=', codeDigest)
    .executeTakeFirst();
}

/** Marks the code used; false when it already was (a replay). */
export async function markCodeUsed(
  executor: Kysely<Schema>,
  codeDigest: string,
  now: number,
): Promise<boolean> {
  const result = await executor
    .updateTable('authorization_codes')
    .set({ used_at: now })
    .where('code_digest', '=', codeDigest)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Records which grant the code was exchanged for, so a replay can revoke it. */
export async function setCodeGrant(
  executor: Kysely<Schema>,
  codeDigest: string,
  grantId: string,
): Promise<void> {
  await executor
    .updateTable('authorization_codes')
    .set({ grant_id: grantId })
    .where('code_digest', '=', codeDigest)
    .execute();
}
