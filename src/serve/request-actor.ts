// Who the current request acts as, for the audit log: the HTTP layer enters the scope once the
// caller is authenticated, and audited stores (storage/audited-store.ts) read it at each change.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AuditActor } from '../core/audit-actions.ts';

const actors = new AsyncLocalStorage<AuditActor>();

/** Runs the rest of a request as `actor` (the HTTP layer's `actorScope`). */
export const actorScope = (actor: AuditActor, next: () => void): void => actors.run(actor, next);

/** The request's actor; undefined outside a request. */
export const currentActor = (): AuditActor | undefined => actors.getStore();
