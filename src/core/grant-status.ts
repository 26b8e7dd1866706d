// A grant: what a user gives Rota so that their schedules run while they are away (SPEC section 7,
// seed 1 "Authorize"). Stored, a grant is `active` or `revoked`, and only `active → revoked` is a
// move; `expired` is not stored but read off the clock, because a grant's `expires_at` is fixed
// when it is made (refreshing never moves it; re-authorising makes a new grant).
//
// What a user's authorisation is, as `GET /api/v1/authorization` says it: `unavailable` until an
// admin registered the tenant's scheduling app, `none` before the first grant, else the state of
// the user's latest grant.

export const StoredGrantStatus = { active: 'active', revoked: 'revoked' } as const;
export type StoredGrantStatus = (typeof StoredGrantStatus)[keyof typeof StoredGrantStatus];

export const AuthorizationStatus = {
  unavailable: 'unavailable',
  none: 'none',
  active: 'active',
  expired: 'expired',
  revoked: 'revoked',
} as const;
export type AuthorizationStatus = (typeof AuthorizationStatus)[keyof typeof AuthorizationStatus];
export const AUTHORIZATION_STATUSES: readonly AuthorizationStatus[] =
  Object.values(AuthorizationStatus);

/** Why a grant was revoked: kept on the grant and named in the audit log. */
export const GrantRevocation = {
  /** The user revoked it (`DELETE /api/v1/authorization`). */
  user: 'user',
  /** The user authorised again: the new grant replaces this one. */
  replaced: 'replaced',
  /** A refresh token that had already been rotated was presented again (RFC 9700 4.14.2). */
  refresh_reuse: 'refresh_reuse',
  /** The authorisation code it came from was presented again (RFC 6749 section 4.1.2). */
  code_reuse: 'code_reuse',
  /** The user was deleted or lost the role the grant was made under. */
  user_removed: 'user_removed',
} as const;
export type GrantRevocation = (typeof GrantRevocation)[keyof typeof GrantRevocation];

/** The facts of a stored grant the status depends on. */
export interface GrantFacts {
  readonly status: StoredGrantStatus;
  readonly expires_at: number;
}

/** A user's authorisation at `now`, from their latest grant (undefined: none yet). */
export function grantStatus(
  grant: GrantFacts | undefined,
  now: number,
): Exclude<AuthorizationStatus, 'unavailable'> {
  if (grant === undefined) return 'none';
  if (grant.status === 'revoked') return 'revoked';
  return now >= grant.expires_at ? 'expired' : 'active';
}

/** The only stored move: a live grant is revoked; a revoked one stays so. */
export const canRevoke = (grant: GrantFacts): boolean => grant.status === 'active';

/** The digest warns about a grant this close to its end (issue 13: seven days). */
export const GRANT_EXPIRY_WARNING_MS = 7 * 24 * 3600 * 1000;

/** Whether an active grant ends within the warning period after `now`. */
export const grantExpiresSoon = (grant: GrantFacts, now: number): boolean =>
  grantStatus(grant, now) === 'active' && grant.expires_at - now <= GRANT_EXPIRY_WARNING_MS;

/** Whose authorisation a run needed: a tick's runs act for the schedule's owner (issue 13). */
export type ActingFor = 'schedule_owner' | 'run_starter';

const WHO: Readonly<Record<ActingFor, string>> = {
  schedule_owner: 'the schedule’s owner',
  run_starter: 'the user who started this run',
};

const WHY_NOT: Readonly<Record<'none' | 'expired' | 'revoked', string>> = {
  none: 'has not authorised Rota to act on their behalf',
  expired: 'has an authorisation that expired',
  revoked: 'has an authorisation that was revoked',
};

/**
 * The message of a run that failed with `authorization_failed`: seed 1's troubleshooting steps
 * ("Authorization failed" in run history: go to the Schedule tab, click Authorize).
 */
export const authorizationFailedMessage = (
  status: 'none' | 'expired' | 'revoked',
  actingFor: ActingFor = 'schedule_owner',
): string =>
  `Authorization failed: ${WHO[actingFor]} ${WHY_NOT[status]}. Go to the Schedule tab, click ` +
  'Authorize to refresh your credentials, and complete the authorization flow.';
