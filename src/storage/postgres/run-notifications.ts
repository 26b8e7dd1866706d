// PostgreSQL's LISTEN/NOTIFY for queued runs (SPEC section 11): a write that queues runs sends a
// notification, delivered to every listening process when the transaction commits; each process
// keeps one dedicated connection listening, reconnects after losing it, and then wakes its
// listener once, since a notification sent while it was away is gone.
import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import type { Schema } from '../schema.ts';

/** Longest channel name PostgreSQL takes (NAMEDATALEN - 1). */
const MAX_CHANNEL = 63;
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 30_000;

/** One channel per schema, so that test runs (or tenants of a shared server) never wake others. */
export function runsQueuedChannel(schema: string | undefined): string {
  return `rota_runs_queued.${schema ?? 'public'}`.slice(0, MAX_CHANNEL);
}

export async function notifyRunsQueued(executor: Kysely<Schema>, channel: string): Promise<void> {
  // Several notifications of one transaction with the same payload arrive as one.
  await sql`select pg_notify(${channel}, '')`.execute(executor);
}

export interface ListenOptions {
  readonly url: string;
  readonly channel: string;
  readonly listener: () => void;
  /** A lost or refused listening connection (it is retried with backoff). */
  readonly onError: (error: Error) => void;
  /** The first wait before listening again after a loss; it doubles up to 30 s. */
  readonly retryFirstMs?: number;
}

/** Listens on a connection of its own until the returned function is called. */
export async function listenForRunsQueued(options: ListenOptions): Promise<() => Promise<void>> {
  const { url, channel, listener, onError, retryFirstMs = RETRY_FIRST_MS } = options;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let retryMs = retryFirstMs;
  let stopped = false;

  const connect = async (): Promise<void> => {
    // Keepalive: a connection that silently went half-open is noticed and replaced.
    const next = new pg.Client({ connectionString: url, keepAlive: true });
    next.on('notification', (message) => {
      if (message.channel === channel) listener();
    });
    // A dropped connection ends up here and in 'end': listen again on a new one.
    next.on('error', (error) => {
      onError(error);
      lost(next);
    });
    next.on('end', () => lost(next));
    try {
      await next.connect();
      await next.query(`listen ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      await next.end().catch(() => undefined);
      throw error;
    }
    // Stopped while this connection was being made: it is not kept.
    if (stopped) {
      await next.end().catch(() => undefined);
      return;
    }
    client = next;
    retryMs = retryFirstMs;
  };

  const lost = (which: pg.Client) => {
    if (stopped || which !== client) return;
    client = undefined;
    void which.end().catch(() => undefined);
    schedule();
  };

  const schedule = () => {
    if (stopped || retry !== undefined) return;
    retry = setTimeout(() => {
      retry = undefined;
      connect().then(
        // Back again: whatever was queued meanwhile was announced to nobody here.
        () => listener(),
        (error: unknown) => {
          onError(error as Error);
          retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
          schedule();
        },
      );
    }, retryMs);
    retry.unref();
  };

  await connect();
  return async () => {
    stopped = true;
    if (retry !== undefined) clearTimeout(retry);
    const last = client;
    client = undefined;
    await last?.end().catch(() => undefined);
  };
}
