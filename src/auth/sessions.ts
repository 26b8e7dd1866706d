// Users' sessions (SPEC section 7, ADR 48): sign-in with email and password, a session cookie
// whose id is stored only as its SHA-256 digest, a CSRF token per session, idle and absolute
// lifetimes, sign-out, and in-process throttling of failed sign-ins. Every sign-in, failed or
// not, and every sign-out is audited in the transaction that makes the change.
import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '../core/principal.ts';
import {
  clearSessionCookie,
  readCookie,
  SESSION_COOKIE,
  sessionSetCookie,
} from '../core/session-cookie.ts';
import { appendAudit } from '../storage/audit-log-store.ts';
import type { Database } from '../storage/database.ts';
import {
  deleteSession,
  findSession,
  insertSession,
  touchSession,
} from '../storage/session-store.ts';
import {
  findUserForSignIn,
  markSignedIn,
  normaliseEmail,
  signInTenant,
} from '../storage/user-store.ts';
import { verifyNothing, verifyPassword } from './passwords.ts';
import { SignInThrottle } from './sign-in-throttle.ts';

export interface SessionUser {
  readonly userId: string;
  readonly tenantId: string;
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  readonly csrfToken: string;
  /** SHA-256 hex of the cookie's session id */
  readonly sessionDigest: string;
}

export type SignInOutcome =
  | { ok: true; user: SessionUser; setCookie: string }
  | { ok: false; code: 'invalid_credentials' | 'too_many_sign_ins'; retryAfterSeconds?: number };

export interface SessionSettings {
  /** `ROTA_PUBLIC_URL`: the cookie is `Secure` when it is https. */
  readonly publicUrl: string;
  readonly idleMinutes: number;
  readonly maxHours: number;
}

export interface SessionServiceDeps extends SessionSettings {
  readonly database: Database;
  readonly now: () => number;
  readonly throttle?: SignInThrottle;
  /** Told of each user's first sign-in (serve removes the initial admin's password file). */
  readonly onFirstSignIn?: (user: SessionUser) => void;
}

// A session's last_seen_at moves at most this often: reads do not each become a write.
const TOUCH_EVERY_MS = 60_000;

export const sessionDigest = (id: string): string => createHash('sha256').update(id).digest('hex');

export class SessionService {
  private readonly deps: SessionServiceDeps;
  private readonly throttle: SignInThrottle;
  private readonly secure: boolean;

  constructor(deps: SessionServiceDeps) {
    this.deps = deps;
    this.throttle = deps.throttle ?? new SignInThrottle();
    this.secure = new URL(deps.publicUrl).protocol === 'https:';
  }

  /** Signs in; rotates: the session of `previousCookieHeader`, if any, ends. */
  async signIn(input: {
    email: string;
    password: string;
    ip: string;
    tenant?: string;
    previousCookieHeader?: string;
  }): Promise<SignInOutcome> {
    const { database } = this.deps;
    const email = normaliseEmail(input.email);
    const now = this.deps.now();
    const wait = this.throttle.retryAfter(input.ip, email, now);
    if (wait > 0) {
      await this.auditFailure(input, undefined, email, 'throttled', now);
      return { ok: false, code: 'too_many_sign_ins', retryAfterSeconds: wait };
    }
    const user = await findUserForSignIn(database, email, input.tenant);
    const verified =
      user === undefined
        ? await verifyNothing(input.password)
        : await verifyPassword(input.password, user.password_hash);
    if (user === undefined || !verified) {
      this.throttle.recordFailure(input.ip, email, now);
      await this.auditFailure(input, user?.tenant_id, email, 'invalid_credentials', now);
      return { ok: false, code: 'invalid_credentials' };
    }
    this.throttle.recordSuccess(input.ip, email);
    const id = randomBytes(32).toString('base64url');
    const session: SessionUser = {
      userId: user.id,
      tenantId: user.tenant_id,
      email: user.email,
      name: user.name,
      role: user.role,
      csrfToken: randomBytes(32).toString('base64url'),
      sessionDigest: sessionDigest(id),
    };
    const previous = readCookie(input.previousCookieHeader, SESSION_COOKIE);
    const maxMs = this.deps.maxHours * 3_600_000;
    await database.write(async (trx) => {
      if (previous !== undefined) await deleteSession(trx, sessionDigest(previous));
      await insertSession(trx, {
        id_digest: session.sessionDigest,
        tenant_id: user.tenant_id,
        user_id: user.id,
        csrf_token: session.csrfToken,
        created_at: now,
        last_seen_at: now,
        expires_at: now + maxMs,
      });
      await markSignedIn(trx, user.id, now);
      await appendAudit(
        trx,
        {
          actor: { tenantId: user.tenant_id, kind: 'user', id: user.id, ip: input.ip },
          action: 'session.sign_in',
          target: { kind: 'user', id: user.id },
          outcome: 'success',
        },
        now,
      );
    });
    if (user.last_sign_in_at === null) this.deps.onFirstSignIn?.(session);
    const setCookie = sessionSetCookie(id, {
      secure: this.secure,
      maxAgeSeconds: Math.floor(maxMs / 1000),
    });
    return { ok: true, user: session, setCookie };
  }

  /** The signed-in user of a `Cookie` header; undefined when none, unknown or expired. */
  async fromCookieHeader(cookieHeader: string | undefined): Promise<SessionUser | undefined> {
    const id = readCookie(cookieHeader, SESSION_COOKIE);
    if (id === undefined) return undefined;
    const { database } = this.deps;
    const digest = sessionDigest(id);
    const row = await findSession(database, digest);
    if (row === undefined) return undefined;
    const now = this.deps.now();
    const idle = now - row.last_seen_at >= this.deps.idleMinutes * 60_000;
    if (idle || now >= row.expires_at) {
      await deleteSession(database.db, digest);
      return undefined;
    }
    if (now - row.last_seen_at >= TOUCH_EVERY_MS) await touchSession(database, digest, now);
    return {
      userId: row.user_id,
      tenantId: row.tenant_id,
      email: row.email,
      name: row.name,
      role: row.role,
      csrfToken: row.csrf_token,
      sessionDigest: digest,
    };
  }

  /** Ends the session of the cookie, if there is one. */
  async signOut(cookieHeader: string | undefined, ip: string): Promise<void> {
    const id = readCookie(cookieHeader, SESSION_COOKIE);
    if (id === undefined) return;
    const now = this.deps.now();
    await this.deps.database.write(async (trx) => {
      const ended = await deleteSession(trx, sessionDigest(id));
      if (ended === undefined) return;
      await appendAudit(
        trx,
        {
          actor: { tenantId: ended.tenantId, kind: 'user', id: ended.userId, ip },
          action: 'session.sign_out',
          target: { kind: 'user', id: ended.userId },
          outcome: 'success',
        },
        now,
      );
    });
  }

  /** Set-Cookie value that clears rota_session */
  clearCookie(): string {
    return clearSessionCookie(this.secure);
  }

  private async auditFailure(
    input: { readonly ip: string; readonly tenant?: string },
    userTenant: string | undefined,
    email: string,
    reason: string,
    now: number,
  ): Promise<void> {
    const tenantId = userTenant ?? (await signInTenant(this.deps.database, input.tenant));
    if (tenantId === undefined) return;
    await appendAudit(
      this.deps.database.db,
      {
        actor: { tenantId, kind: 'anonymous', id: null, ip: input.ip },
        action: 'session.sign_in',
        target: null,
        outcome: 'failure',
        detail: { email, reason },
      },
      now,
    );
  }
}
