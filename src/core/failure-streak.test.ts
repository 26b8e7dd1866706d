import { expect, it } from 'vitest';
import { nextFailureStreak } from './failure-streak.ts';

it('counts consecutive failed ticks and pauses at the limit', () => {
  expect(nextFailureStreak(0, 'failed', 3)).toEqual({ consecutiveFailures: 1, pauseNote: null });
  expect(nextFailureStreak(2, 'failed', 3)).toEqual({
    consecutiveFailures: 3,
    pauseNote: 'Paused automatically after 3 consecutive failed ticks (pause_after_failures: 3).',
  });
});

it('ends the streak on success and leaves it alone for skipped or cancelled ticks', () => {
  expect(nextFailureStreak(2, 'succeeded', 3)).toEqual({ consecutiveFailures: 0, pauseNote: null });
  expect(nextFailureStreak(2, 'skipped', 3)).toEqual({ consecutiveFailures: 2, pauseNote: null });
  expect(nextFailureStreak(2, 'cancelled', 3)).toEqual({ consecutiveFailures: 2, pauseNote: null });
});

it('never pauses when pause_after_failures is off', () => {
  expect(nextFailureStreak(99, 'failed', null)).toEqual({
    consecutiveFailures: 100,
    pauseNote: null,
  });
});
