import { describe, expect, it } from 'vitest';
import { planTick, type TickCandidate, type TickInput } from './plan-tick.ts';

const HOUR = 3_600_000;
const NOW = Date.UTC(2027, 0, 4, 9); // a Monday, 09:00 UTC
const daily = Array.from({ length: 40 }, (_, i) => NOW + (i - 6) * 24 * HOUR);

const item = (id: string, over: Partial<TickCandidate> = {}): TickCandidate => ({
  id,
  priority: 0,
  lastRunAt: NOW - 48 * HOUR,
  createdAt: NOW - 1000 * HOUR,
  agentCost: 1,
  previous: { live: false, waiting: false },
  enabled: true,
  targetErrors: [],
  liveRunId: null,
  ...over,
});

const tick = (items: TickCandidate[], over: Partial<TickInput> = {}): TickInput => ({
  trigger: 'schedule',
  fireTime: NOW,
  coverageWindowHours: 120,
  dailyBudget: null,
  fireTimes: daily,
  tenantLeft: null,
  overlapPolicy: 'skip',
  owner: { kind: 'client' },
  items,
  ...over,
});

const summary = (plan: ReturnType<typeof planTick>) =>
  plan.entries.map((e) => `${e.itemId}:${e.outcome}${e.reason ? `:${e.reason}` : ''}`);

describe('planTick', () => {
  it('runs the auto budget: ceil(candidates ÷ K) of the stalest items, with an entry for every one', () => {
    // Daily fires and a 120 h window: K = 5, so 10 candidates run 2 per tick.
    const items = Array.from({ length: 10 }, (_, i) =>
      item(`i${i}`, { lastRunAt: NOW - (10 + i) * HOUR }),
    );
    const plan = planTick(tick(items));
    expect(plan.perTick).toBe(2);
    expect(plan.windowMet).toBe(true);
    expect(plan.runs.map((r) => [r.itemId, r.status])).toEqual([
      ['i9', 'queued'],
      ['i8', 'queued'],
    ]);
    expect(plan.entries).toHaveLength(10);
    expect(plan.entries.filter((e) => e.reason === 'budget')).toHaveLength(8);
    expect(plan.agentsSpawned).toBe(2);
  });

  it('takes daily_budget as the per-tick run budget when set', () => {
    const plan = planTick(tick([item('a'), item('b'), item('c')], { dailyBudget: 1 }));
    expect(plan.perTick).toBe(1);
    expect(plan.runs).toHaveLength(1);
  });

  it('writes a failed schema_mismatch run for an item whose target does not validate, outside the budget', () => {
    const errors = [
      {
        code: 'unknown_output_field',
        message: 'step 2 reads steps.s1.output.total, which no longer exists',
      },
    ];
    const plan = planTick(
      tick([item('ok'), item('broken', { targetErrors: errors })], { dailyBudget: 1 }),
    );
    expect(summary(plan)).toEqual(['ok:selected', 'broken:skipped:invalid_target']);
    expect(plan.entries[1]!.errors).toEqual(errors);
    expect(plan.runs).toEqual([
      expect.objectContaining({ itemId: 'ok', status: 'queued' }),
      expect.objectContaining({
        itemId: 'broken',
        status: 'failed',
        errorCode: 'schema_mismatch',
        agentCost: 0,
      }),
    ]);
    expect(plan.agentsSpawned).toBe(1);
  });

  it('starts nothing for a user without a live grant: failed runs, no agents spawned', () => {
    for (const [grant, reason] of [
      ['none', 'authorization_required'],
      ['revoked', 'authorization_required'],
      ['expired', 'authorization_expired'],
    ] as const) {
      const plan = planTick(
        tick([item('a'), item('b')], { owner: { kind: 'user', grant }, dailyBudget: 1 }),
      );
      expect(summary(plan)).toEqual([`a:skipped:${reason}`, 'b:skipped:budget']);
      expect(plan.runs).toEqual([
        expect.objectContaining({
          itemId: 'a',
          status: 'failed',
          errorCode: 'authorization_failed',
        }),
      ]);
      expect(plan.agentsSpawned).toBe(0);
    }
    expect(
      planTick(tick([item('a')], { owner: { kind: 'user', grant: 'active' } })).runs[0]!.status,
    ).toBe('queued');
  });

  it('applies the overlap policy to an item whose previous run is live', () => {
    const busy = item('busy', { previous: { live: true, waiting: false }, liveRunId: 'run-7' });
    expect(summary(planTick(tick([busy], { overlapPolicy: 'skip' })))).toEqual([
      'busy:skipped:overlap',
    ]);
    expect(planTick(tick([busy], { overlapPolicy: 'buffer_one' })).runs[0]).toMatchObject({
      status: 'queued',
      afterRunId: 'run-7',
      cancelRunId: null,
    });
    expect(planTick(tick([busy], { overlapPolicy: 'cancel_other' })).runs[0]).toMatchObject({
      status: 'queued',
      afterRunId: null,
      cancelRunId: 'run-7',
    });
    expect(planTick(tick([busy], { overlapPolicy: 'allow' })).runs[0]).toMatchObject({
      afterRunId: null,
      cancelRunId: null,
    });
  });

  it('leaves disabled items out entirely', () => {
    const plan = planTick(tick([item('on'), item('off', { enabled: false })]));
    expect(plan.entries.map((e) => e.itemId)).toEqual(['on']);
  });

  it('lets a cheaper item use what is left of the tenant budget', () => {
    const plan = planTick(
      tick(
        [
          item('big', { agentCost: 5, lastRunAt: NOW - 100 * HOUR }),
          item('small', { agentCost: 1 }),
        ],
        { tenantLeft: 3 },
      ),
    );
    expect(summary(plan)).toEqual(['big:skipped:tenant_budget', 'small:selected']);
    expect(plan.agentsSpawned).toBe(1);
  });

  it('says when the window cannot be met and then runs every candidate', () => {
    const plan = planTick(tick([item('a'), item('b'), item('c')], { coverageWindowHours: 12 }));
    expect(plan.windowMet).toBe(false);
    expect(plan.runs).toHaveLength(3);
  });
});
