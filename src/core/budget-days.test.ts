import { describe, expect, it } from 'vitest';
import { budgetReport, lastLocalDays, runsPerItemPerDay } from './budget-days.ts';

const HOUR = 3_600_000;
// 2027-03-14 is the US spring-forward day: New York's local day is 23 hours long.
const NOW = Date.UTC(2027, 2, 15, 15, 0);

describe('budget days', () => {
  it('cuts local days at midnight in the tenant’s zone, a DST day 23 hours long', () => {
    const days = lastLocalDays('America/New_York', NOW, 3);
    expect(days.map((d) => (d.end - d.start) / HOUR)).toEqual([24, 23, 24]);
    expect(days[2]!.start).toBe(Date.UTC(2027, 2, 15, 4));
    expect(days[1]!.end).toBe(days[2]!.start);
  });

  it('sums today per schedule, leaves what the budget allows, and keeps 14 days oldest first', () => {
    const today = Date.UTC(2027, 2, 15, 4);
    const report = budgetReport({
      timeZone: 'America/New_York',
      dailyAgentBudget: 10,
      now: NOW,
      buckets: [
        { schedule_id: 's1', at: today, agents: 2, runs: 1 },
        { schedule_id: 's1', at: today + 2 * HOUR, agents: 3, runs: 2 },
        { schedule_id: null, at: today + HOUR, agents: 4, runs: 1 },
        // 23:45 local yesterday: not today.
        { schedule_id: 's2', at: today - 900_000, agents: 7, runs: 1 },
      ],
    });
    expect(report.today).toMatchObject({ date: '2027-03-15', agents: 9, runs: 4, remaining: 1 });
    expect(report.today.bySchedule).toEqual([
      { scheduleId: 's1', agents: 5, runs: 3 },
      { scheduleId: null, agents: 4, runs: 1 },
    ]);
    expect(report.history).toHaveLength(14);
    expect(report.history[0]!.date).toBe('2027-03-02');
    expect(report.history.at(-2)).toMatchObject({ date: '2027-03-14', agents: 7, runs: 1 });
  });

  it('never reports a negative remainder, and none at all for an unlimited budget', () => {
    const buckets = [{ schedule_id: null, at: NOW, agents: 30, runs: 3 }];
    const base = { timeZone: 'UTC', now: NOW, buckets };
    expect(budgetReport({ ...base, dailyAgentBudget: 20 }).today.remaining).toBe(0);
    expect(budgetReport({ ...base, dailyAgentBudget: null }).today.remaining).toBeNull();
  });

  it('counts each item’s runs per local day, leaving out runs before the first day', () => {
    const days = lastLocalDays('Asia/Kolkata', NOW, 2);
    // Local midnight in Kolkata (+05:30) is 18:30 UTC the evening before.
    expect(days[1]!.start).toBe(Date.UTC(2027, 2, 14, 18, 30));
    const rows = runsPerItemPerDay(days, [
      { item_id: 'a', at: days[1]!.start, runs: 2 },
      { item_id: 'a', at: days[1]!.start - 900_000, runs: 1 },
      { item_id: 'b', at: days[0]!.start - 900_000, runs: 5 },
    ]);
    expect([...rows]).toEqual([['a', [1, 2]]]);
  });
});
