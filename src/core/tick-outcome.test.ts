import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isTerminal, RUN_STATUSES, type RunStatus } from './run-state.ts';
import { tickOutcome, TickTrigger } from './tick-outcome.ts';

const status = fc.constantFrom(...RUN_STATUSES);
const terminal = fc.constantFrom<RunStatus>('completed', 'failed', 'cancelled');

describe('tickOutcome', () => {
  it.each([
    [[], 'skipped'],
    [['completed'], 'succeeded'],
    [['completed', 'completed'], 'succeeded'],
    [['completed', 'cancelled'], 'cancelled'],
    [['cancelled', 'failed', 'completed'], 'failed'],
    [['failed'], 'failed'],
    [['completed', 'running'], undefined],
    [['failed', 'queued'], undefined],
  ] as [RunStatus[], string | undefined][])('turns runs %j into %s', (runs, outcome) => {
    expect(tickOutcome(runs)).toBe(outcome);
  });

  it('stays open while any run has not ended', () => {
    fc.assert(
      fc.property(fc.array(status, { minLength: 1 }), (runs) => {
        const open = runs.some((s) => !isTerminal(s));
        expect(tickOutcome(runs) === undefined).toBe(open);
      }),
    );
  });

  it('ranks failed over cancelled over succeeded whatever the order of the runs', () => {
    fc.assert(
      fc.property(fc.array(terminal, { minLength: 1 }), (runs) => {
        const expected = runs.includes('failed')
          ? 'failed'
          : runs.includes('cancelled')
            ? 'cancelled'
            : 'succeeded';
        expect(tickOutcome(runs)).toBe(expected);
        expect(tickOutcome([...runs].reverse())).toBe(expected);
      }),
    );
  });

  it('knows the three tick triggers', () => {
    expect(Object.values(TickTrigger)).toEqual(['schedule', 'catchup', 'manual']);
  });
});
