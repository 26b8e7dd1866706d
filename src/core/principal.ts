// Who is calling: what a verified credential says, and all the API needs to authorise a request.
// The tenant comes from the credential only (SPEC section 7); scopes narrow what the role allows.

export const Role = { admin: 'admin', member: 'member' } as const;
export type Role = (typeof Role)[keyof typeof Role];
export const ROLES: readonly Role[] = Object.values(Role);
export const isRole = (value: unknown): value is Role =>
  typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/**
 * What a token may do. `read` and `write` cover the tenant's work (projects, registry, flows,
 * schedules, runs); `admin` covers clients, users, the tenant's settings and the audit log.
 */
export const Scope = { read: 'read', write: 'write', admin: 'admin' } as const;
export type Scope = (typeof Scope)[keyof typeof Scope];
export const SCOPES: readonly Scope[] = Object.values(Scope);

/** The scopes a role may hold; a token's scopes are always a subset. */
export const ROLE_SCOPES: Readonly<Record<Role, readonly Scope[]>> = {
  admin: ['read', 'write', 'admin'],
  member: ['read', 'write'],
};

export type PrincipalKind = 'client' | 'user';

export interface Principal {
  readonly tenantId: string;
  readonly role: Role;
  /** The client id of a machine client, or a user's id. */
  readonly subject: string;
  readonly kind: PrincipalKind;
  readonly scopes: readonly Scope[];
}

export type GrantedScopes =
  | { readonly ok: true; readonly scopes: readonly Scope[] }
  | { readonly ok: false; readonly unknown: readonly string[]; readonly denied: readonly string[] };

/**
 * The scopes a token request gets (RFC 6749 section 3.3): every scope of the role when none is
 * asked for, else exactly the ones asked, each known and allowed to the role.
 */
export function grantScopes(requested: string | undefined, role: Role): GrantedScopes {
  const allowed = ROLE_SCOPES[role];
  if (requested === undefined || requested.trim() === '') return { ok: true, scopes: allowed };
  const asked = [...new Set(requested.trim().split(/ +/))];
  const unknown = asked.filter((s) => !(SCOPES as readonly string[]).includes(s));
  const denied = asked.filter(
    (s) => (SCOPES as readonly string[]).includes(s) && !(allowed as readonly string[]).includes(s),
  );
  if (unknown.length > 0 || denied.length > 0) return { ok: false, unknown, denied };
  // Canonical order, so equal requests give equal tokens.
  return { ok: true, scopes: SCOPES.filter((s) => asked.includes(s)) };
}

/** A token's `scope` claim back into scopes; anything unknown makes the claim invalid. */
export function parseScopeClaim(claim: unknown): readonly Scope[] | undefined {
  if (typeof claim !== 'string') return undefined;
  const parts = claim === '' ? [] : claim.split(' ');
  if (!parts.every((s) => (SCOPES as readonly string[]).includes(s))) return undefined;
  return SCOPES.filter((s) => parts.includes(s));
}

/** Whether a principal holds `scope` (and its role still allows it). */
export const hasScope = (principal: Principal, scope: Scope): boolean =>
  principal.scopes.includes(scope) && ROLE_SCOPES[principal.role].includes(scope);
