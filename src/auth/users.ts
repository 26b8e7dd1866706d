// A tenant's users (SPEC section 7), as admins and the operator commands manage them: created with
// a given or generated password, changed, deleted. A tenant keeps at least one admin. Deleting or
// demoting a user ends their sessions, revokes their grants and pauses their schedules, in the
// same transaction as the change and its audit entries.
import type { AuditActor } from '../core/audit-actions.ts';
import type { Role } from '../core/principal.ts';
import { appendAudit } from '../storage/audit-log-store.ts';
import type { Database } from '../storage/database.ts';
import { revokeUserGrants } from '../storage/grant-store.ts';
import { deleteUserSessions } from '../storage/session-store.ts';
import {
  deleteUser,
  findUser,
  insertUser,
  listUsers,
  lockAdmins,
  pauseUserSchedules,
  updateUser,
  type UserSummary,
} from '../storage/user-store.ts';
import { generatePassword, hashPassword } from './passwords.ts';

export type { UserSummary } from '../storage/user-store.ts';

/** The write transaction `Database.write` hands its work. */
type Transaction = Parameters<Parameters<Database['write']>[0]>[0];

export interface NewUser {
  readonly email: string;
  readonly name?: string | undefined;
  readonly role: Role;
  /** Generated (and handed back once) when absent. */
  readonly password?: string | undefined;
}

export interface UserPatch {
  readonly email?: string | undefined;
  readonly name?: string | undefined;
  readonly role?: Role | undefined;
  readonly password?: string | undefined;
}

export type CreateUserOutcome =
  { readonly user: UserSummary; readonly generatedPassword: string | undefined } | 'email_taken';

/** The note a schedule of a removed user is paused with. */
export const removedOwnerNote = (why: 'deleted' | 'demoted'): string =>
  why === 'deleted'
    ? 'Paused because its owner’s account was deleted.'
    : 'Paused because its owner was demoted from admin; they must sign in and resume it.';

export class UserAdmin {
  private readonly database: Database;
  private readonly clock: { readonly now: () => number; readonly newId: () => string };

  constructor(
    database: Database,
    clock: { readonly now: () => number; readonly newId: () => string },
  ) {
    this.database = database;
    this.clock = clock;
  }

  list(tenantId: string | undefined): Promise<UserSummary[]> {
    return listUsers(this.database.db, tenantId);
  }

  get(tenantId: string, id: string): Promise<UserSummary | undefined> {
    return findUser(this.database.db, tenantId, id);
  }

  async create(actor: AuditActor, request: NewUser): Promise<CreateUserOutcome> {
    const generatedPassword = request.password === undefined ? generatePassword() : undefined;
    const passwordHash = await hashPassword(request.password ?? generatedPassword ?? '');
    const now = this.clock.now();
    const id = this.clock.newId();
    const email = request.email.trim().toLowerCase();
    return this.database.write(async (trx) => {
      const inserted = await insertUser(trx, {
        id,
        tenant_id: actor.tenantId,
        email,
        name: request.name?.trim() || email.split('@')[0] || email,
        role: request.role,
        password_hash: passwordHash,
        last_sign_in_at: null,
        created_at: now,
        updated_at: now,
      });
      if (inserted === 'email_taken') return 'email_taken';
      await this.audit(trx, actor, 'user.create', id, now, { role: request.role });
      const user = await findUser(trx, actor.tenantId, id);
      if (user === undefined) throw new Error('a user just inserted is missing');
      return { user, generatedPassword };
    });
  }

  /** Changes a user; undefined when the tenant has no such user. */
  async update(
    actor: AuditActor,
    id: string,
    patch: UserPatch,
  ): Promise<UserSummary | 'email_taken' | 'last_admin' | undefined> {
    const passwordHash =
      patch.password === undefined ? undefined : await hashPassword(patch.password);
    const now = this.clock.now();
    const { tenantId } = actor;
    return this.database.write(async (trx) => {
      const admins = await lockAdmins(this.database, trx, tenantId);
      const current = await findUser(trx, tenantId, id);
      if (current === undefined) return undefined;
      const demoted = current.role === 'admin' && patch.role === 'member';
      if (demoted && admins.length <= 1) return 'last_admin';
      const updated = await updateUser(
        trx,
        tenantId,
        id,
        { email: patch.email, name: patch.name, role: patch.role, password_hash: passwordHash },
        now,
      );
      if (updated === 'email_taken' || updated === undefined) return updated;
      // A new password signs the user out everywhere, as a removal does.
      if (demoted) await this.removeAccess(trx, actor, id, 'demoted', now);
      else if (passwordHash !== undefined) await deleteUserSessions(trx, tenantId, id);
      const fields = Object.keys(patch).filter(
        (key) => patch[key as keyof UserPatch] !== undefined,
      );
      await this.audit(trx, actor, 'user.update', id, now, { fields: fields.join(',') });
      return updated;
    });
  }

  async remove(actor: AuditActor, id: string): Promise<'deleted' | 'missing' | 'last_admin'> {
    const now = this.clock.now();
    const { tenantId } = actor;
    return this.database.write(async (trx) => {
      const admins = await lockAdmins(this.database, trx, tenantId);
      const current = await findUser(trx, tenantId, id);
      if (current === undefined) return 'missing';
      if (current.role === 'admin' && admins.length <= 1) return 'last_admin';
      await this.removeAccess(trx, actor, id, 'deleted', now);
      await deleteUser(trx, tenantId, id);
      await this.audit(trx, actor, 'user.delete', id, now, { email: current.email });
      return 'deleted';
    });
  }

  /** Ends the user's sessions, revokes their grants and pauses their schedules. */
  private async removeAccess(
    trx: Transaction,
    actor: AuditActor,
    userId: string,
    why: 'deleted' | 'demoted',
    now: number,
  ): Promise<void> {
    const { tenantId } = actor;
    await deleteUserSessions(trx, tenantId, userId);
    const grants = await revokeUserGrants(trx, tenantId, userId, 'user_removed', now);
    for (const grant of grants)
      await appendAudit(
        trx,
        {
          actor,
          action: 'grant.revoke',
          target: { kind: 'grant', id: grant },
          outcome: 'success',
          detail: { reason: 'user_removed' },
        },
        now,
      );
    const paused = await pauseUserSchedules(trx, tenantId, userId, removedOwnerNote(why), now);
    for (const schedule of paused)
      await appendAudit(
        trx,
        {
          actor,
          action: 'schedule.pause',
          target: { kind: 'schedule', id: schedule },
          outcome: 'success',
          detail: { reason: `owner_${why}` },
        },
        now,
      );
  }

  private audit(
    trx: Transaction,
    actor: AuditActor,
    action: 'user.create' | 'user.update' | 'user.delete',
    id: string,
    now: number,
    detail: Record<string, string>,
  ): Promise<void> {
    return appendAudit(
      trx,
      { actor, action, target: { kind: 'user', id }, outcome: 'success', detail },
      now,
    );
  }
}
