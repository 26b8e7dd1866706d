// The delivery status of a digest (SPEC section 8) and when a failed attempt is tried again.
//
// States: queued, sending, sent, failed (the last two are final).
// Transitions:
//   queued  → sending   a mailer claimed it (with a lease and a fencing token)
//   sending → sent      the transport accepted it (an SMTP 2xx, or kept in the outbox)
//   sending → queued    a connection error or a 4xx reply, an attempt remains: try again later
//   sending → failed    a 5xx reply, or no attempt left
//   sending → queued    its mailer's lease ran out (the process died mid-send), an attempt remains

import type { ErrorCode } from './error-codes.ts';

export const DigestStatus = {
  queued: 'queued',
  sending: 'sending',
  sent: 'sent',
  failed: 'failed',
} as const;
export type DigestStatus = (typeof DigestStatus)[keyof typeof DigestStatus];

const TRANSITIONS: Readonly<Record<DigestStatus, readonly DigestStatus[]>> = {
  queued: ['sending'],
  sending: ['sent', 'queued', 'failed'],
  sent: [],
  failed: [],
};

export const canMoveDigest = (from: DigestStatus, to: DigestStatus): boolean =>
  TRANSITIONS[from].includes(to);

/** The statuses a digest may move to `to` from: what a store's update requires it to be in. */
export const digestStatusesBefore = (to: DigestStatus): readonly DigestStatus[] =>
  Object.values(DigestStatus).filter((from) => canMoveDigest(from, to));

/** A digest status change the machine forbids: a bug or a lost race, never a client's mistake. */
export class IllegalDigestTransition extends Error {
  readonly code: ErrorCode = 'illegal_digest_transition';
  readonly from: DigestStatus;
  readonly to: DigestStatus;

  constructor(from: DigestStatus, to: DigestStatus) {
    super(`A digest cannot go from ${from} to ${to}.`);
    this.name = 'IllegalDigestTransition';
    this.from = from;
    this.to = to;
  }
}

export function assertDigestMove(from: DigestStatus, to: DigestStatus): void {
  if (!canMoveDigest(from, to)) throw new IllegalDigestTransition(from, to);
}

/** Attempts a digest gets before a temporary failure becomes final. */
export const DIGEST_MAX_ATTEMPTS = 8;
const FIRST_RETRY_MS = 30_000;
const LONGEST_RETRY_MS = 60 * 60_000;

/** What went wrong with one attempt, as the transport saw it. */
export interface DeliveryFailure {
  /** The SMTP reply code, when the server answered. */
  readonly responseCode?: number;
  /** The server's reply, or the connection error's message. */
  readonly message: string;
}

export type RetryDecision =
  | { readonly retry: true; readonly at: number }
  | { readonly retry: false; readonly reason: 'permanent' | 'attempts_exhausted' };

/**
 * A 5xx reply is final; a 4xx or no reply at all (refused, reset, timed out) is tried again
 * after 30 s, 1 min, 2 min … up to an hour, until `maxAttempts` attempts were made.
 */
export function retryDecision(
  failure: DeliveryFailure,
  attempt: number,
  now: number,
  maxAttempts = DIGEST_MAX_ATTEMPTS,
): RetryDecision {
  const code = failure.responseCode;
  if (code !== undefined && code >= 500) return { retry: false, reason: 'permanent' };
  if (attempt >= maxAttempts) return { retry: false, reason: 'attempts_exhausted' };
  const delay = Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempt - 1));
  return { retry: true, at: now + delay };
}
