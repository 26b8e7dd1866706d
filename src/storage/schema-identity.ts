// Identity tables: OAuth clients and signing keys (migration 0005), and people (migration 0012):
// users, sessions, the Authorize popup's attempts and codes, grants and the audit log. Secrets
// are kept as SHA-256 digests, or sealed (AES-256-GCM under ROTA_SECRET_KEY) where Rota must use
// them again.
import type { Generated } from 'kysely';
import type { AuditActorKind, AuditOutcome } from '../core/audit-actions.ts';
import type { GrantRevocation, StoredGrantStatus } from '../core/grant-status.ts';
import type { Role } from '../core/principal.ts';

type Json = string;
type Millis = number;

export type OAuthClientKind = 'machine' | 'scheduling_app';

export interface OAuthClientTable {
  id: string;
  tenant_id: string;
  /** Public and random; the `sub` of the client's tokens. */
  client_id: string;
  name: string;
  role: 'admin' | 'member';
  /** SHA-256 of the secret, hex; the secret itself is shown once and never stored. */
  secret_digest: string;
  /** `machine`: an admin's client; `scheduling_app`: the tenant's own app for user grants (0012). */
  kind: Generated<OAuthClientKind>;
  /** The grants it may use, JSON: `["client_credentials"]`, or the app's two. */
  grant_types: Generated<Json>;
  /** The scheduling app's one redirect URI (`ROTA_PUBLIC_URL/oauth/callback`); null for machines. */
  redirect_uri: string | null;
  /** The scheduling app's secret, sealed: Rota authenticates as its own app. Null for machines. */
  secret_sealed: string | null;
  created_at: Millis;
  updated_at: Millis;
}

/** Token signing keys, shared by every replica; `generation` makes "the first key" unique. */
export interface SigningKeyTable {
  kid: string;
  generation: number;
  alg: string;
  /** The public JWK, as served at /.well-known/jwks.json. */
  public_jwk: Json;
  /** The private JWK, sealed with AES-256-GCM under ROTA_SECRET_KEY (auth/secret-box.ts). */
  private_jwk_sealed: string;
  created_at: Millis;
  /** After this instant the key no longer signs; it verifies until its tokens have expired. */
  retired_at: Millis | null;
}

export interface UserTable {
  id: string;
  tenant_id: string;
  /** Lower-cased; unique per tenant. */
  email: string;
  /** What reads show as the owner's name. */
  name: string;
  role: Role;
  /** `scrypt$N$r$p$salt$hash` (auth/passwords.ts). */
  password_hash: string;
  last_sign_in_at: Millis | null;
  created_at: Millis;
  updated_at: Millis;
}

/** A signed-in browser. The cookie holds the id; only its digest is stored. */
export interface SessionTable {
  id_digest: string;
  tenant_id: string;
  user_id: string;
  /** Sent back as `X-CSRF-Token` on every unsafe request of the session. */
  csrf_token: string;
  created_at: Millis;
  /** Moves with use; the session ends when it is older than the idle lifetime. */
  last_seen_at: Millis;
  /** The absolute end, fixed at sign-in. */
  expires_at: Millis;
}

/** One opening of the Authorize popup: its `state` and PKCE verifier, bound to the session. */
export interface AuthorizationAttemptTable {
  state_digest: string;
  tenant_id: string;
  session_digest: string;
  user_id: string;
  verifier_sealed: string;
  created_at: Millis;
  expires_at: Millis;
  used_at: Millis | null;
}

/** A code `/oauth/authorize` issued: single-use, short-lived, bound to client, URI and challenge. */
export interface AuthorizationCodeTable {
  code_digest: string;
  tenant_id: string;
  /** The public client id it was issued to. */
  client_id: string;
  user_id: string;
  redirect_uri: string;
  /** The S256 challenge: base64url(SHA-256(verifier)). */
  code_challenge: string;
  scope: string;
  created_at: Millis;
  expires_at: Millis;
  used_at: Millis | null;
  /** The grant exchanged for it: revoked if the code is presented again. */
  grant_id: string | null;
}

/** A user's delegation to Rota (core/grant-status.ts has its states). */
export interface GrantTable {
  id: string;
  tenant_id: string;
  user_id: string;
  client_id: string;
  /** Space-separated, canonical order. */
  scopes: string;
  status: StoredGrantStatus;
  /** Fixed when the grant is made; refreshing never moves it. */
  expires_at: Millis;
  /** Digest of the current refresh token: an older one presented again revokes the grant. */
  refresh_digest: string;
  /** The current refresh token, sealed, for the worker to exchange. */
  refresh_sealed: string;
  refresh_generation: Generated<number>;
  refreshed_at: Millis | null;
  revoked_at: Millis | null;
  revoked_reason: GrantRevocation | null;
  created_at: Millis;
  updated_at: Millis;
}

/** Append-only: rows are inserted, never updated or deleted. */
export interface AuditLogTable {
  id: string;
  tenant_id: string;
  at: Millis;
  actor_kind: AuditActorKind;
  actor_id: string | null;
  action: string;
  target_kind: string | null;
  target_id: string | null;
  outcome: AuditOutcome;
  ip: string | null;
  /** JSON object or null. */
  detail: Json | null;
}
