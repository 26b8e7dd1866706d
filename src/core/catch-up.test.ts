import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CatchUpPolicy, decideCatchUp, type CatchUpDecision } from './catch-up.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const now = 1_800_000_000_000;
// Hourly fire times from 30 h ago up to now: 6 older than the default 24 h window, 24 late
// inside it (24 h ago is inside), and one on time (now itself).
const hourly = Array.from({ length: 31 }, (_, i) => now - (30 - i) * HOUR);
const outside = hourly.slice(0, 6);
const lateInWindow = hourly.slice(6, 30);

describe('decideCatchUp', () => {
  it('ticks every late fire time in the window under `all`, oldest first', () => {
    const d = decideCatchUp({ now, dueFireTimes: hourly, policy: 'all', reason: 'downtime' });
    expect(d.onTime).toEqual([now]);
    expect(d.catchUp).toEqual(lateInWindow);
    expect(d.missed).toEqual([
      { from: outside[0], to: outside[5], count: 6, reason: 'outside_catchup_window' },
    ]);
  });

  it('ticks only the most recent fire time under `latest`', () => {
    const late = hourly.slice(0, 30);
    const d = decideCatchUp({ now, dueFireTimes: late, policy: 'latest', reason: 'downtime' });
    expect(d.onTime).toEqual([]);
    expect(d.catchUp).toEqual([now - HOUR]);
    expect(d.missed).toEqual([
      { from: outside[0], to: outside[5], count: 6, reason: 'outside_catchup_window' },
      { from: now - 24 * HOUR, to: now - 2 * HOUR, count: 23, reason: 'downtime' },
    ]);
  });

  it('misses every late fire time under `latest` when the newest one is on time', () => {
    const d = decideCatchUp({ now, dueFireTimes: hourly, policy: 'latest', reason: 'downtime' });
    expect(d.onTime).toEqual([now]);
    expect(d.catchUp).toEqual([]);
    expect(d.missed.map((m) => [m.reason, m.count])).toEqual([
      ['outside_catchup_window', 6],
      ['downtime', 24],
    ]);
  });

  it('catches nothing up under `latest` when even the newest is outside the window', () => {
    const old = [now - 50 * HOUR, now - 40 * HOUR, now - 30 * HOUR];
    const d = decideCatchUp({ now, dueFireTimes: old, policy: 'latest', reason: 'downtime' });
    expect(d.catchUp).toEqual([]);
    expect(d.missed).toEqual([
      { from: old[0], to: old[2], count: 3, reason: 'outside_catchup_window' },
    ]);
  });

  it('ticks none of the late fire times under `none`, but still ticks on-time ones', () => {
    const d = decideCatchUp({ now, dueFireTimes: hourly, policy: 'none', reason: 'clock_jump' });
    expect(d.onTime).toEqual([now]);
    expect(d.catchUp).toEqual([]);
    expect(d.missed).toEqual([
      { from: outside[0], to: outside[5], count: 6, reason: 'outside_catchup_window' },
      { from: lateInWindow[0], to: lateInWindow[23], count: 24, reason: 'clock_jump' },
    ]);
  });

  it('treats a fire time up to 60 s late as on time and one a millisecond later as late', () => {
    const d = decideCatchUp({
      now,
      dueFireTimes: [now - MIN - 1, now - MIN],
      policy: 'none',
      reason: 'downtime',
    });
    expect(d.onTime).toEqual([now - MIN]);
    expect(d.missed).toEqual([
      { from: now - MIN - 1, to: now - MIN - 1, count: 1, reason: 'downtime' },
    ]);
  });

  it('honours a custom window and grace', () => {
    const d = decideCatchUp({
      now,
      dueFireTimes: [now - 3 * HOUR, now - 2 * HOUR, now - 4 * MIN],
      policy: 'all',
      windowHours: 2,
      graceMs: 5 * MIN,
      reason: 'downtime',
    });
    expect(d.onTime).toEqual([now - 4 * MIN]);
    expect(d.catchUp).toEqual([now - 2 * HOUR]);
    expect(d.missed).toEqual([
      { from: now - 3 * HOUR, to: now - 3 * HOUR, count: 1, reason: 'outside_catchup_window' },
    ]);
  });

  it('accepts the fire times in any order', () => {
    const shuffled = [...hourly].reverse();
    expect(
      decideCatchUp({ now, dueFireTimes: shuffled, policy: 'all', reason: 'downtime' }),
    ).toEqual(decideCatchUp({ now, dueFireTimes: hourly, policy: 'all', reason: 'downtime' }));
  });

  it('puts every due fire time in exactly one place, whatever the policy', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 72 * HOUR }), { maxLength: 60 }),
        fc.constantFrom(...Object.values(CatchUpPolicy)),
        fc.integer({ min: 0, max: 48 }),
        fc.integer({ min: 0, max: 10 * MIN }),
        fc.constantFrom('downtime' as const, 'clock_jump' as const),
        (ages, policy, windowHours, graceMs, reason) => {
          const due = ages.map((age) => now - age).sort((a, b) => a - b);
          const d = decideCatchUp({ now, dueFireTimes: due, policy, windowHours, graceMs, reason });
          checkPartition(due, d);

          const late = (at: number) => now - at > graceMs;
          const inWindow = (at: number) => now - at <= windowHours * HOUR;
          expect(d.onTime.every((at) => !late(at))).toBe(true);
          expect(d.catchUp.every((at) => late(at) && inWindow(at))).toBe(true);
          expect(d.catchUp).toEqual([...d.catchUp].sort((a, b) => a - b));
          for (const m of d.missed) {
            const covered = due.filter((at) => at >= m.from && at <= m.to);
            const expected = covered.every(inWindow) ? reason : 'outside_catchup_window';
            expect(m.reason).toBe(expected);
          }
          const lateInWindowCount = due.filter((at) => late(at) && inWindow(at)).length;
          if (policy === 'all') expect(d.catchUp.length).toBe(lateInWindowCount);
          if (policy === 'none') expect(d.catchUp).toEqual([]);
          if (policy === 'latest') {
            const newest = due.at(-1);
            const expected =
              newest !== undefined && late(newest) && inWindow(newest) ? [newest] : [];
            expect(d.catchUp).toEqual(expected);
          }
        },
      ),
    );
  });
});

/** Each due time lies in exactly one bucket; missed records are maximal runs of one reason. */
function checkPartition(due: readonly number[], d: CatchUpDecision): void {
  const missedCount = d.missed.reduce((sum, m) => sum + m.count, 0);
  expect(d.onTime.length + d.catchUp.length + missedCount).toBe(due.length);
  const ticked = new Set([...d.onTime, ...d.catchUp]);
  expect(ticked.size).toBe(d.onTime.length + d.catchUp.length);
  let previousEnd = -Infinity;
  for (const m of d.missed) {
    const covered = due.filter((at) => at >= m.from && at <= m.to);
    expect(covered.length).toBe(m.count);
    expect(covered[0]).toBe(m.from);
    expect(covered.at(-1)).toBe(m.to);
    expect(covered.some((at) => ticked.has(at))).toBe(false);
    expect(m.from).toBeGreaterThan(previousEnd);
    previousEnd = m.to;
  }
  // Two neighbouring records with the same reason must be separated by a ticked fire time.
  for (let i = 1; i < d.missed.length; i++) {
    const [a, b] = [d.missed[i - 1]!, d.missed[i]!];
    if (a.reason === b.reason) {
      expect(due.some((at) => at > a.to && at < b.from && ticked.has(at))).toBe(true);
    }
  }
}
