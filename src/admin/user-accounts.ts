// `rota users create|list|delete`: users straight in the configured database, no server needed
// (SPEC section 10's bootstrap commands, like `rota clients`), through the auth service, so the
// rules are the API's: emails unique per tenant, a tenant keeps one admin, removal pauses work.
import { UserAdmin, type UserSummary } from '../auth/users.ts';
import type { Config } from '../config.ts';
import { systemActor } from '../core/audit-actions.ts';
import type { Role } from '../core/principal.ts';
import { migrateToLatest } from '../storage/migrate.ts';
import { uuidv7 } from '../storage/new-id.ts';
import { ensureDefaultTenant, ensureTenantNamed } from '../storage/tenant-store.ts';
import { withConfiguredDatabase } from '../serve/configured-database.ts';

export type { UserSummary } from '../auth/users.ts';

export type CreatedUser =
  | {
      readonly tenantId: string;
      readonly tenantCreated: boolean;
      readonly user: UserSummary;
      /** Set when none was given: shown once. */
      readonly generatedPassword: string | undefined;
    }
  | 'email_taken';

export function createUserAccount(
  config: Config,
  request: {
    readonly email: string;
    readonly role: Role;
    readonly name: string | undefined;
    readonly tenant: string | undefined;
    readonly password: string | undefined;
    readonly now: number;
  },
): Promise<CreatedUser> {
  return withConfiguredDatabase(config, async (database) => {
    const clock = { now: () => request.now, newId: () => uuidv7(request.now) };
    await migrateToLatest(database);
    const candidate = { id: clock.newId(), now: request.now };
    const tenant =
      request.tenant === undefined
        ? await ensureDefaultTenant(database, candidate)
        : await ensureTenantNamed(database, request.tenant, candidate);
    const created = await new UserAdmin(database, clock).create(systemActor(tenant.id), request);
    if (created === 'email_taken') return created;
    return { tenantId: tenant.id, tenantCreated: tenant.created, ...created };
  });
}

/** Every tenant's users, never their password hashes. */
export function userAccounts(config: Config): Promise<UserSummary[]> {
  return withConfiguredDatabase(config, async (database) => {
    await migrateToLatest(database);
    return new UserAdmin(database, { now: () => 0, newId: () => uuidv7(0) }).list(undefined);
  });
}

/**
 * Deletes the user with this id, or with this email when exactly one tenant has it: 'ambiguous'
 * when several do (name the id then).
 */
export function deleteUserAccount(
  config: Config,
  idOrEmail: string,
  now: number,
): Promise<'deleted' | 'missing' | 'last_admin' | 'ambiguous'> {
  return withConfiguredDatabase(config, async (database) => {
    await migrateToLatest(database);
    const users = new UserAdmin(database, { now: () => now, newId: () => uuidv7(now) });
    const wanted = idOrEmail.trim().toLowerCase();
    const matches = (await users.list(undefined)).filter(
      (u) => u.id === idOrEmail || u.email === wanted,
    );
    const [user, ...others] = matches;
    if (user === undefined) return 'missing';
    if (others.length > 0) return 'ambiguous';
    return users.remove(systemActor(user.tenant_id), user.id);
  });
}
