import { describe, expect, it } from 'vitest';
import {
  LIVE_RUN_STATUSES,
  TERMINAL_RUN_STATUSES,
  assertTransition,
  canCreateAs,
  canTransition,
  IllegalRunTransition,
  isTerminal,
  RUN_STATUS_LABELS,
  RUN_STATUSES,
  RunTrigger,
  type RunStatus,
} from './run-state.ts';

// Every allowed pair, written out independently of the implementation's table.
const ALLOWED = new Set([
  'queued>running',
  'queued>cancelled',
  'queued>failed',
  'running>completed',
  'running>failed',
  'running>cancelled',
  'running>queued',
]);

const pairs = RUN_STATUSES.flatMap((from) => RUN_STATUSES.map((to) => [from, to] as const));

describe('run status machine', () => {
  it('has five statuses', () => {
    expect([...RUN_STATUSES].sort()).toEqual(
      ['cancelled', 'completed', 'failed', 'queued', 'running'].sort(),
    );
  });

  it.each(pairs)('allows %s → %s exactly when the table says so', (from, to) => {
    const allowed = ALLOWED.has(`${from}>${to}`);
    expect(canTransition(from, to)).toBe(allowed);
    if (allowed) expect(() => assertTransition(from, to)).not.toThrow();
    else expect(() => assertTransition(from, to)).toThrow(IllegalRunTransition);
  });

  it('gives terminal statuses no exits and every other status at least one', () => {
    for (const from of RUN_STATUSES) {
      const exits = RUN_STATUSES.filter((to) => canTransition(from, to));
      expect(isTerminal(from)).toBe(exits.length === 0);
    }
    expect(RUN_STATUSES.filter(isTerminal).sort()).toEqual(['cancelled', 'completed', 'failed']);
  });

  it('never lets a status transition to itself', () => {
    for (const s of RUN_STATUSES) expect(canTransition(s, s)).toBe(false);
  });

  it('reports an illegal transition with its endpoints and a stable code', () => {
    const error = (() => {
      try {
        assertTransition('completed', 'running');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(IllegalRunTransition);
    expect(error).toBeInstanceOf(Error);
    const illegal = error as IllegalRunTransition;
    expect(illegal.code).toBe('illegal_run_transition');
    expect(illegal.name).toBe('IllegalRunTransition');
    expect([illegal.from, illegal.to]).toEqual(['completed', 'running']);
    expect(illegal.message).toContain('completed');
  });

  it('creates runs only as queued or failed', () => {
    const creatable = RUN_STATUSES.filter(canCreateAs);
    expect(creatable.sort()).toEqual<RunStatus[]>(['failed', 'queued']);
  });

  it('labels every status for the UI', () => {
    expect(RUN_STATUSES.map((s) => RUN_STATUS_LABELS[s])).toEqual([
      'Queued',
      'Running',
      'Completed',
      'Failed',
      'Cancelled',
    ]);
  });

  it('knows the four run triggers', () => {
    expect(Object.values(RunTrigger)).toEqual(['schedule', 'manual', 'catchup', 'api']);
  });
});

describe('live and terminal statuses', () => {
  it('splits every status into live (queued, running) and terminal ones', () => {
    expect(LIVE_RUN_STATUSES).toEqual(['queued', 'running']);
    expect(TERMINAL_RUN_STATUSES).toEqual(['completed', 'failed', 'cancelled']);
  });
});
