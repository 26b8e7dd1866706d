// Stores whose changes are audited (SPEC section 7): each audited method runs in one write
// transaction that holds both the change and its audit-log entry, so neither is ever without the
// other. Who acted is asked of `actor` at each call (the request's, in `rota serve`); with no
// actor (a test, the CLI) the method runs as it is and writes no entry.
import type { Kysely } from 'kysely';
import type { AuditAction, AuditActor, NewAuditEntry } from '../core/audit-actions.ts';
import { appendAudit } from './audit-log-store.ts';
import type { Database } from './database.ts';
import type { Schema } from './schema.ts';

export interface AuditContext {
  readonly now: () => number;
  readonly actor: () => AuditActor | undefined;
}

/** The database as seen from inside `trx`: every read and write of a store goes through it. */
export function boundTo(database: Database, trx: Kysely<Schema>): Database {
  return Object.create(database, {
    db: { value: trx },
    write: { value: <T>(work: (inner: Kysely<Schema>) => Promise<T>) => work(trx) },
  }) as Database;
}

type Method = (...args: never[]) => Promise<unknown>;

/** How one method is audited: its action, and the target it changed (undefined: it did not). */
export interface AuditRule {
  readonly action: (args: readonly unknown[]) => AuditAction;
  readonly target: (
    args: readonly unknown[],
    result: unknown,
  ) => { readonly kind: string; readonly id: string } | undefined;
  /** Read in the transaction before the change, for `detail` to compare with (e.g. the old row). */
  readonly before?: (database: Database, args: readonly unknown[]) => Promise<unknown>;
  /** A few words more for the entry (never a secret). */
  readonly detail?: (
    args: readonly unknown[],
    result: unknown,
    before: unknown,
  ) => NewAuditEntry['detail'];
}

/**
 * `make`'s store with the methods named in `rules` audited: each such call runs in a write
 * transaction with the store rebuilt on it, and appends its entry there when it changed something.
 */
export function audited<S extends object>(
  database: Database,
  make: (database: Database) => S,
  rules: Partial<Record<keyof S, AuditRule>>,
  context: AuditContext,
): S {
  const plain = make(database);
  const wrapped = { ...plain } as Record<string, unknown>;
  for (const [name, rule] of Object.entries(rules) as [string, AuditRule][]) {
    wrapped[name] = (...args: unknown[]) => {
      const actor = context.actor();
      const call = (store: S) => (store[name as keyof S] as Method)(...(args as never[]));
      if (actor === undefined) return call(plain);
      return database.write(async (trx) => {
        const bound = boundTo(database, trx);
        const before = await rule.before?.(bound, args);
        const result = await call(make(bound));
        const target = rule.target(args, result);
        const detail = rule.detail?.(args, result, before);
        if (target !== undefined)
          await appendAudit(
            trx,
            {
              actor,
              action: rule.action(args),
              target,
              outcome: 'success',
              ...(detail === undefined ? {} : { detail }),
            },
            context.now(),
          );
        return result;
      });
    };
  }
  return wrapped as S;
}

const idOf = (value: unknown): string => (value as { readonly id: string }).id;

/** create(tenantId, record): the record's id. */
export const created = (action: AuditAction, kind: string): AuditRule => ({
  action: () => action,
  target: (args) => ({ kind, id: idOf(args[1]) }),
});

/** update(tenantId, id, …): the row came back, so it changed. */
export const updated = (
  action: AuditAction | ((args: readonly unknown[]) => AuditAction),
  kind: string,
  position = 1,
): AuditRule => ({
  action: typeof action === 'string' ? () => action : action,
  target: (args, result) =>
    result === undefined || typeof result === 'string'
      ? undefined
      : { kind, id: args[position] as string },
});

/** remove(tenantId, id, …): true or 'deleted' when it was. */
export const removed = (action: AuditAction, kind: string, position = 1): AuditRule => ({
  action: () => action,
  target: (args, result) =>
    result === true || result === 'deleted' ? { kind, id: args[position] as string } : undefined,
});
