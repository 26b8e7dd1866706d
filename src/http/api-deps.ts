// What the REST API is built from: stores, engine and mail actions, the credentials, the clock and id
// source, and an optional hook that tells the scheduler its schedules changed. main.ts supplies
// all of them.
import type { ActorScope } from './authentication.ts';
import type { AuthorizationPort } from './authorize-port.ts';
import type { ApiStores, EnginePort, MailPort } from './ports.ts';
import type { CredentialKind } from './principal.ts';
import type { RateLimits } from './rate-limit.ts';

export interface ApiDeps {
  readonly stores: ApiStores;
  /** Engine actions: the manual trigger (main.ts wires engine/manual-trigger.ts). */
  readonly engine: EnginePort;
  /** Force-send, the outbox and the mail status (main.ts wires mail/mail-service.ts). */
  readonly mail: MailPort;
  /** The kinds of credential a request may carry, tried in order (a bearer token, a session). */
  readonly credentials: readonly CredentialKind[];
  readonly now: () => number;
  /** New UUIDs (time-ordered, so lists page in creation order). */
  readonly newId: () => string;
  /** Called after a schedule's cadence, enabled state or items change (wakes the scheduler). */
  readonly onSchedulesChanged?: () => void;
  /** A user's authorisation of Rota (`/api/v1/authorization`); absent, the routes are too. */
  readonly authorization?: AuthorizationPort;
  /** Runs each authenticated request as its actor, so audited changes know who made them. */
  readonly actorScope?: ActorScope;
  /** Per client and per tenant; default DEFAULT_RATE_LIMITS. */
  readonly rateLimits?: RateLimits;
}
