import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decideOverlap, OverlapPolicy, type PreviousRun } from './overlap-policy.ts';

const idle: PreviousRun = { live: false, waiting: false };
const live: PreviousRun = { live: true, waiting: false };
const liveAndWaiting: PreviousRun = { live: true, waiting: true };

describe('decideOverlap', () => {
  it.each([
    ['skip', idle, 'start'],
    ['skip', live, 'skip'],
    ['skip', liveAndWaiting, 'skip'],
    ['buffer_one', idle, 'start'],
    ['buffer_one', live, 'buffer'],
    ['buffer_one', liveAndWaiting, 'skip'],
    ['allow', idle, 'start'],
    ['allow', live, 'start'],
    ['allow', liveAndWaiting, 'start'],
    ['cancel_other', idle, 'start'],
    ['cancel_other', live, 'cancel_previous'],
    ['cancel_other', liveAndWaiting, 'cancel_previous'],
  ] as const)('under %s with previous %o decides %s', (policy, previous, action) => {
    expect(decideOverlap(policy, previous)).toBe(action);
  });

  it('starts a run under every policy when nothing of the item is live', () => {
    for (const policy of Object.values(OverlapPolicy)) {
      expect(decideOverlap(policy, idle)).toBe('start');
    }
  });

  it('treats a waiting run as live even when live is not set', () => {
    const inconsistent = { live: false, waiting: true };
    expect(decideOverlap('skip', inconsistent)).toBe('skip');
    expect(decideOverlap('buffer_one', inconsistent)).toBe('skip');
    expect(decideOverlap('cancel_other', inconsistent)).toBe('cancel_previous');
  });

  it('never buffers a second run behind one that already waits', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.values(OverlapPolicy)), fc.boolean(), (policy, l) => {
        expect(decideOverlap(policy, { live: l, waiting: true })).not.toBe('buffer');
      }),
    );
  });
});
