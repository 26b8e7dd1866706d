import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canMoveDigest, DIGEST_MAX_ATTEMPTS, retryDecision } from './digest-delivery.ts';

const NOW = Date.UTC(2027, 2, 14);

describe('digest delivery', () => {
  it('moves queued → sending → sent | failed | queued, and never out of a final state', () => {
    expect(canMoveDigest('queued', 'sending')).toBe(true);
    expect(canMoveDigest('sending', 'sent')).toBe(true);
    expect(canMoveDigest('sending', 'queued')).toBe(true);
    expect(canMoveDigest('sending', 'failed')).toBe(true);
    expect(canMoveDigest('queued', 'sent')).toBe(false);
    expect(canMoveDigest('sent', 'queued')).toBe(false);
    expect(canMoveDigest('failed', 'sending')).toBe(false);
  });

  it('never retries a 5xx reply', () => {
    expect(retryDecision({ responseCode: 550, message: '550 no such user' }, 1, NOW)).toEqual({
      retry: false,
      reason: 'permanent',
    });
  });

  it('retries a 4xx reply and a connection error after 30 s, then twice as long each time', () => {
    expect(retryDecision({ responseCode: 451, message: 'try later' }, 1, NOW)).toEqual({
      retry: true,
      at: NOW + 30_000,
    });
    expect(retryDecision({ message: 'ECONNREFUSED' }, 3, NOW)).toEqual({
      retry: true,
      at: NOW + 120_000,
    });
  });

  it('gives up after the last attempt', () => {
    expect(retryDecision({ message: 'ECONNREFUSED' }, DIGEST_MAX_ATTEMPTS, NOW)).toEqual({
      retry: false,
      reason: 'attempts_exhausted',
    });
  });

  it('waits longer after every attempt, never more than an hour', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: DIGEST_MAX_ATTEMPTS - 2 }), (attempt) => {
        const a = retryDecision({ message: 'x' }, attempt, NOW);
        const b = retryDecision({ message: 'x' }, attempt + 1, NOW);
        if (!a.retry || !b.retry) return false;
        return b.at > a.at && b.at - NOW <= 3_600_000;
      }),
    );
  });
});
