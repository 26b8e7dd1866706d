import { describe, expect, it } from 'vitest';
import type { DigestSource } from '../core/digest-records.ts';
import { buildDigestModel, OVERDUE_LISTED } from './build-digest-model.ts';

const HOUR = 3_600_000;
const FIRE = Date.UTC(2027, 0, 4, 14, 0); // 9:00 AM EST

type Item = DigestSource['items'][number];
const item = (id: string, lastRun: number | null, over: Partial<Item> = {}): Item => ({
  id,
  target_kind: 'journey',
  target_id: `j-${id}`,
  priority: 0,
  enabled: 1,
  last_run_at: lastRun,
  created_at: 0,
  ...over,
});

const source = (over: Partial<DigestSource> = {}): DigestSource => ({
  tick: {
    id: 'tick-1',
    tenant_id: 't',
    schedule_id: 's',
    trigger: 'manual',
    fire_time: FIRE,
    per_tick_budget: 1,
    tenant_left: null,
    deadline_at: FIRE + HOUR,
    outcome: 'succeeded',
    ended_at: FIRE + 60_000,
    created_at: FIRE,
    digest_considered_at: FIRE + 60_000,
  },
  schedule: {
    id: 's',
    name: 'Hourly',
    cadence: {
      type: 'cron',
      expression: '0 * * * *',
      timezone: 'America/New_York',
      dst_policy: { gap: 'shift', fold: 'first' },
      start_at: null,
      end_at: null,
      jitter_seconds: 0,
    },
    coverageWindowHours: 10,
  },
  projectName: 'P',
  tenantDailyAgentBudget: null,
  runs: [],
  findings: [],
  decisions: [],
  items: [],
  targetNames: new Map(),
  ...over,
});

const options = { publicUrl: 'https://rota.test/', minSeverity: null, notice: null };

describe('buildDigestModel', () => {
  it('lists the most overdue items that did not run: never-run first, then stalest', () => {
    const items = [
      item('fresh', FIRE - 2 * HOUR),
      item('ran-now', FIRE),
      item('stale', FIRE - 30 * HOUR),
      item('never', null),
      item('due', FIRE - 10 * HOUR),
      item('later', FIRE + HOUR), // a later tick ran it: not stale at this one
      item('off', null, { enabled: 0 }),
    ];
    const runs = [
      {
        id: 'r1',
        item_id: 'ran-now',
        target_kind: 'journey' as const,
        target_id: 'j-ran-now',
        status: 'completed' as const,
        error_code: null,
        error_message: null,
        agents_spawned: 1,
        started_at: FIRE,
        finished_at: FIRE + 1_000,
      },
    ];
    const model = buildDigestModel(source({ items, runs }), options);
    expect(model.overdue.map((o) => [o.target, o.lastRun, o.overdue])).toEqual([
      ['journey j-never', 'never ran', true],
      ['journey j-stale', 'last ran 30 h before this tick', true],
      ['journey j-due', 'last ran 10 h before this tick', true],
      ['journey j-fresh', 'last ran 2 h before this tick', false],
      ['journey j-later', 'ran since this tick', false],
    ]);
    expect(model.overdue).toHaveLength(OVERDUE_LISTED);
    expect(model.runs[0]?.url).toBe('https://rota.test/runs/r1');
  });

  it('keeps findings at or above min_severity, most severe first, and counts the rest', () => {
    const finding = (id: string, severity: DigestSource['findings'][number]['severity']) => ({
      id,
      run_id: 'r1',
      severity,
      title: id,
      detail: null,
      created_at: FIRE,
    });
    const model = buildDigestModel(
      source({
        findings: [finding('a', 'low'), finding('b', 'critical'), finding('c', 'medium')],
        targetNames: new Map([['j1', 'Checkout']]),
      }),
      { ...options, minSeverity: 'medium' },
    );
    expect(model.findings.map((g) => [g.severity, g.findings.map((f) => f.title)])).toEqual([
      ['critical', ['b']],
      ['medium', ['c']],
    ]);
    expect(model.hiddenFindings).toBe(1);
  });

  it('says why each item was skipped, in selection order, and when the tick fired locally', () => {
    const model = buildDigestModel(
      source({
        items: [item('a', null), item('b', null)],
        targetNames: new Map([
          ['j-a', 'Alpha'],
          ['j-b', 'Beta'],
        ]),
        decisions: [
          {
            tick_id: 'tick-1',
            item_id: 'b',
            rank: 2,
            score: 1,
            outcome: 'skipped',
            reason: 'overlap',
            errors: null,
          },
          {
            tick_id: 'tick-1',
            item_id: 'a',
            rank: 1,
            score: null,
            outcome: 'skipped',
            reason: 'authorization_expired',
            errors: null,
          },
        ],
      }),
      options,
    );
    expect(model.skipped).toEqual([
      { target: 'Alpha', reason: 'the schedule owner’s authorisation expired' },
      { target: 'Beta', reason: 'its previous run was still going' },
    ]);
    expect(model.tick).toMatchObject({
      time: 'Monday, January 4, 2027, 9:00 AM EST',
      trigger: 'Manual trigger',
      outcome: 'Succeeded',
      timeZone: 'America/New_York',
    });
    expect(model.schedule.url).toBe('https://rota.test/schedules/s');
  });
});

describe('buildDigestModel: the owner’s authorisation', () => {
  const DAY = 24 * HOUR;
  const skippedFor = (reason: string, itemId: string, rank: number) => ({
    tick_id: 'tick-1',
    item_id: itemId,
    rank,
    score: null,
    outcome: 'skipped' as const,
    reason,
    errors: null,
  });

  it('says how many items did not run for want of a grant, and links to re-authorise', () => {
    const model = buildDigestModel(
      source({
        items: [item('a', null), item('b', null)],
        targetNames: new Map([
          ['j-a', 'Checkout'],
          ['j-b', 'Search'],
        ]),
        decisions: [
          skippedFor('authorization_expired', 'a', 1),
          skippedFor('authorization_expired', 'b', 2),
        ],
        owner: { kind: 'user', grant: { status: 'active', expires_at: FIRE - HOUR } },
      }),
      options,
    );
    expect(model.authorization).toEqual({
      skipped:
        '2 items did not run: the schedule owner’s authorisation expired. Their runs failed with “Authorization failed”. Re-authorise in the Schedule tab and the next tick runs normally.',
      expiring: null,
      url: 'https://rota.test/schedules/s',
    });
    expect(model.skipped).toEqual([
      { target: 'Checkout', reason: 'the schedule owner’s authorisation expired' },
      { target: 'Search', reason: 'the schedule owner’s authorisation expired' },
    ]);
  });

  it('names a missing or revoked grant as not authorised', () => {
    const model = buildDigestModel(
      source({
        items: [item('a', null)],
        decisions: [skippedFor('authorization_required', 'a', 1)],
        owner: { kind: 'user', grant: null },
      }),
      options,
    );
    expect(model.authorization?.skipped).toMatch(
      /^1 item did not run: the schedule owner has not authorised Rota, or revoked it\./,
    );
  });

  it('warns of a live grant that ends within seven days of the tick, in the schedule’s zone', () => {
    const soon = buildDigestModel(
      source({ owner: { kind: 'user', grant: { status: 'active', expires_at: FIRE + 6 * DAY } } }),
      options,
    );
    expect(soon.authorization).toEqual({
      skipped: null,
      expiring:
        'The schedule owner’s authorisation expires on Sunday, January 10, 2027, 9:00 AM EST. Re-authorise before then so that its runs keep going.',
      url: 'https://rota.test/schedules/s',
    });
  });

  it('says nothing for a grant with more than seven days left, a revoked one, or a client’s schedule', () => {
    for (const owner of [
      { kind: 'user' as const, grant: { status: 'active' as const, expires_at: FIRE + 8 * DAY } },
      { kind: 'user' as const, grant: { status: 'revoked' as const, expires_at: FIRE + DAY } },
      { kind: 'client' as const },
    ])
      expect(buildDigestModel(source({ owner }), options).authorization).toBeNull();
  });
});
