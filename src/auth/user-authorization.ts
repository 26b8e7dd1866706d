// `GET|DELETE /api/v1/authorization`: a user's authorisation as the UI shows it, and its end.
// Revoking writes the audit entry in the same transaction as the grant's change.
import type { AuditActor } from '../core/audit-actions.ts';
import { grantStatus, type AuthorizationStatus } from '../core/grant-status.ts';
import { appendAudit } from '../storage/audit-log-store.ts';
import type { Database } from '../storage/database.ts';
import { latestGrant, revokeUserGrants } from '../storage/grant-store.ts';
import { userSchedulingEnabledAt } from '../storage/tenant-store.ts';

export interface AuthorizationView {
  readonly status: AuthorizationStatus;
  readonly expires_at: string | null;
  readonly scopes: string[];
  readonly authorize_url: string;
}

export interface UserAuthorizationContext {
  readonly database: Database;
  readonly publicUrl: string;
  readonly now: () => number;
}

export const startUrl = (publicUrl: string): string =>
  `${publicUrl.replace(/\/+$/, '')}/oauth/start`;

export function userAuthorization(context: UserAuthorizationContext) {
  const { database, now } = context;
  return {
    async status(tenantId: string, userId: string): Promise<AuthorizationView> {
      const authorize_url = startUrl(context.publicUrl);
      if ((await userSchedulingEnabledAt(database, tenantId)) === null)
        return { status: 'unavailable', expires_at: null, scopes: [], authorize_url };
      const grant = await latestGrant(database.db, tenantId, userId);
      return {
        status: grantStatus(grant, now()),
        expires_at: grant === undefined ? null : new Date(grant.expires_at).toISOString(),
        scopes: grant === undefined ? [] : grant.scopes.split(' ').filter((s) => s !== ''),
        authorize_url,
      };
    },

    /** Ends the user's live grant, if any; audited. */
    async revoke(actor: AuditActor & { readonly id: string }): Promise<void> {
      const at = now();
      await database.write(async (trx) => {
        const revoked = await revokeUserGrants(trx, actor.tenantId, actor.id, 'user', at);
        for (const id of revoked)
          await appendAudit(
            trx,
            {
              actor,
              action: 'grant.revoke',
              target: { kind: 'grant', id },
              outcome: 'success',
              detail: { reason: 'user' },
            },
            at,
          );
      });
    },
  };
}

export type UserAuthorization = ReturnType<typeof userAuthorization>;
