import { describe, expect, it } from 'vitest';
import { SignInThrottle } from './sign-in-throttle.ts';

const T = Date.UTC(2027, 0, 4, 9);
const MIN = 60_000;

describe('SignInThrottle', () => {
  it('lets ten failures through and refuses the eleventh attempt until the oldest leaves the window', () => {
    const throttle = new SignInThrottle();
    for (let i = 0; i < 10; i++) {
      expect(throttle.retryAfter('10.0.0.1', 'a@x', T + i * MIN)).toBe(0);
      throttle.recordFailure('10.0.0.1', 'a@x', T + i * MIN);
    }
    // The first failure was at T: it leaves the 15-minute window at T + 15 min.
    expect(throttle.retryAfter('10.0.0.1', 'a@x', T + 10 * MIN)).toBe(5 * 60);
    expect(throttle.retryAfter('10.0.0.1', 'a@x', T + 15 * MIN)).toBe(0);
  });

  it('counts per address: other emails from a throttled address are refused too', () => {
    const throttle = new SignInThrottle();
    for (let i = 0; i < 10; i++) throttle.recordFailure('10.0.0.1', `user${i}@x`, T);
    expect(throttle.retryAfter('10.0.0.1', 'admin@x', T)).toBe(15 * 60);
  });

  it('never locks an email out from another address', () => {
    const throttle = new SignInThrottle();
    for (let i = 0; i < 10; i++) throttle.recordFailure('10.0.0.1', 'admin@x', T);
    expect(throttle.retryAfter('10.0.0.1', 'admin@x', T)).toBeGreaterThan(0);
    expect(throttle.retryAfter('10.0.0.2', 'admin@x', T)).toBe(0);
  });

  it('counts an email and an address pair on its own, case-insensitively', () => {
    const throttle = new SignInThrottle({ limit: 3, windowMs: 15 * MIN, maxKeys: 100 });
    for (let i = 0; i < 3; i++) throttle.recordFailure('10.0.0.1', 'Admin@X', T);
    throttle.recordSuccess('10.0.0.1', 'admin@x');
    // The success forgot the pair, not the address: the address still has three failures.
    expect(throttle.retryAfter('10.0.0.1', 'admin@x', T)).toBe(15 * 60);
    expect(throttle.retryAfter('10.0.0.1', 'admin@x', T + 15 * MIN)).toBe(0);
  });

  it('holds no more keys than its bound, forgetting expired ones first', () => {
    const throttle = new SignInThrottle({ limit: 10, windowMs: 15 * MIN, maxKeys: 4 });
    throttle.recordFailure('10.0.0.1', 'a@x', T);
    throttle.recordFailure('10.0.0.2', 'a@x', T + 20 * MIN);
    expect(throttle.size).toBe(4);
    // Room is made from the first address's keys, whose failure has expired.
    throttle.recordFailure('10.0.0.3', 'a@x', T + 21 * MIN);
    expect(throttle.size).toBe(4);
    for (let i = 4; i < 40; i++) throttle.recordFailure(`10.0.0.${i}`, 'a@x', T + 22 * MIN);
    expect(throttle.size).toBeLessThanOrEqual(4);
  });
});
