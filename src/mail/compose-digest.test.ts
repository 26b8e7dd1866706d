import { describe, expect, it } from 'vitest';
import { composeDigest } from './compose-digest.ts';
import type { DigestModel } from './digest-model.ts';

const HOSTILE = `<script>alert("x")</script> & 'quotes'`;

const model = (over: Partial<DigestModel> = {}): DigestModel => ({
  schedule: { name: 'Nightly', url: 'https://rota.test/schedules/s1' },
  project: 'Shop',
  tick: {
    time: 'Sunday, March 14, 2027, 3:30 AM EDT',
    shortTime: 'Mar 14, 2027, 3:30 AM EDT',
    timeZone: 'America/New_York',
    trigger: 'Scheduled',
    outcome: 'Failed',
  },
  notice: null,
  totals: { runs: 1, completed: 0, failed: 1, cancelled: 0, unfinished: 0 },
  budget: { perTick: 3, agentsSpawned: 1, tenantLeft: null, tenantDaily: null },
  runs: [
    {
      id: 'r1',
      url: 'https://rota.test/runs/r1',
      target: 'Checkout',
      status: 'failed',
      statusLabel: 'Failed',
      error: 'agent_error: 502',
      agentsSpawned: 1,
      duration: '3 s',
      findings: 1,
    },
  ],
  findings: [
    {
      severity: 'high',
      label: 'High',
      findings: [
        {
          title: 'Pay fails',
          detail: null,
          target: 'Checkout',
          runUrl: 'https://rota.test/runs/r1',
        },
      ],
    },
  ],
  hiddenFindings: 0,
  minSeverity: null,
  skipped: [],
  authorization: null,
  coverageWindowHours: 120,
  overdue: [],
  ...over,
});

describe('composeDigest', () => {
  it('escapes every user-written text in the HTML part, links included', () => {
    const { html } = composeDigest(
      model({
        schedule: { name: HOSTILE, url: 'https://rota.test/schedules/"><script>' },
        project: HOSTILE,
        notice: HOSTILE,
        runs: [{ ...model().runs[0]!, target: HOSTILE, error: HOSTILE }],
        findings: [
          {
            severity: 'critical',
            label: 'Critical',
            findings: [{ title: HOSTILE, detail: HOSTILE, target: HOSTILE, runUrl: 'x' }],
          },
        ],
        skipped: [{ target: HOSTILE, reason: HOSTILE }],
        overdue: [{ target: HOSTILE, lastRun: 'never ran', staleness: null, overdue: true }],
      }),
    );
    expect(html).not.toContain('<script>');
    expect(html).not.toContain(`'quotes'`);
    expect(html).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;',
    );
    expect(html).toContain('href="https://rota.test/schedules/&quot;&gt;&lt;script&gt;"');
  });

  it('keeps the subject on one line whatever the schedule is called', () => {
    const { subject } = composeDigest(
      model({ schedule: { name: 'Nightly\r\nBcc: victim@evil.test', url: 'u' } }),
    );
    expect(subject).toBe(
      '[Rota] Nightly Bcc: victim@evil.test: 1 of 1 run failed, 1 finding · Mar 14, 2027, 3:30 AM EDT',
    );
    expect(subject).not.toMatch(/[\r\n]/);
  });

  it('writes a plain-text part that stands alone: every link spelled out, no markup', () => {
    const { text } = composeDigest(model());
    expect(text).toContain('https://rota.test/runs/r1');
    expect(text).toContain('Schedule: https://rota.test/schedules/s1');
    expect(text).toContain('Agents spawned: 1; the tenant has no daily agent limit');
    expect(text).not.toMatch(/<[a-z/]/i);
  });

  it('still says something for a tick that started no run: what was skipped and why', () => {
    const { subject, text, html } = composeDigest(
      model({
        tick: { ...model().tick, outcome: 'Skipped: no run started' },
        totals: { runs: 0, completed: 0, failed: 0, cancelled: 0, unfinished: 0 },
        budget: { perTick: 2, agentsSpawned: 0, tenantLeft: 0, tenantDaily: 200 },
        runs: [],
        findings: [],
        skipped: [
          { target: 'Checkout', reason: 'the tenant’s daily agent budget was used up' },
          { target: 'Search', reason: 'its previous run was still going' },
        ],
      }),
    );
    expect(subject).toBe(
      '[Rota] Nightly: No run started; 2 items skipped · Mar 14, 2027, 3:30 AM EDT',
    );
    expect(text).toContain('- Checkout: the tenant’s daily agent budget was used up');
    expect(text).toContain('the tenant had 0 of its 200 daily agents left');
    expect(text).not.toContain('RUNS');
    expect(html).toContain('Search: its previous run was still going');
  });

  it('says when findings below min_severity were left out', () => {
    const { text } = composeDigest(model({ minSeverity: 'high', hiddenFindings: 3 }));
    expect(text).toContain('FINDINGS (HIGH AND ABOVE)');
    expect(text).toContain('3 findings below high not shown.');
  });

  it('uses no images, style sheets or other resources a mail client would fetch', () => {
    const { html } = composeDigest(model());
    expect(html).not.toMatch(/<img|<link|<style|<script|src=|url\(/i);
    expect(html.match(/style="/g)?.length).toBeGreaterThan(20);
  });
});

describe('composeDigest: the owner’s authorisation', () => {
  const authorization = {
    skipped: '2 items did not run: the schedule owner’s authorisation expired.',
    expiring: null,
    url: 'https://rota.test/schedules/s1?a=1&b=2',
  };

  it('tells in both parts what did not run and where to re-authorise', () => {
    const { text, html } = composeDigest(model({ authorization }));
    expect(text).toContain(
      'AUTHORISATION\n- 2 items did not run: the schedule owner’s authorisation expired.\nRe-authorise: https://rota.test/schedules/s1?a=1&b=2',
    );
    expect(html).toContain('2 items did not run: the schedule owner’s authorisation expired.');
    expect(html).toContain(
      '<a href="https://rota.test/schedules/s1?a=1&amp;b=2" style="color:#0969da;text-decoration:underline">Re-authorise in the Schedule tab</a>',
    );
  });

  it('leaves the section out when there is nothing to say', () => {
    const { text, html } = composeDigest(model());
    expect(text).not.toContain('AUTHORISATION');
    expect(html).not.toContain('Re-authorise');
  });
});
