// Table-driven fire times across real DST transitions, with the instants written out by hand.
import { describe, expect, it } from 'vitest';
import { cron, daily, fires } from './fire-times.test-helpers.ts';

interface Row {
  readonly name: string;
  readonly cadence: Record<string, unknown>;
  readonly from: string;
  readonly expected: readonly string[];
}

// New York 2027: spring forward Mar 14 02:00 EST → 03:00 EDT; fall back Nov 7 02:00 EDT → 01:00 EST.
const newYork: Row[] = [
  {
    name: 'a daily 02:30 shifts to 03:30 EDT on the spring-forward day (RFC 5545)',
    cadence: daily('02:30', 'America/New_York'),
    from: '2027-03-13T00:00:00Z',
    expected: ['2027-03-13T07:30:00Z', '2027-03-14T07:30:00Z shifted', '2027-03-15T06:30:00Z'],
  },
  {
    name: 'a daily 02:30 with gap "skip" does not fire on the spring-forward day',
    cadence: daily('02:30', 'America/New_York', { gap: 'skip' }),
    from: '2027-03-13T00:00:00Z',
    expected: ['2027-03-13T07:30:00Z', '2027-03-15T06:30:00Z', '2027-03-16T06:30:00Z'],
  },
  {
    name: 'a daily 01:30 fires once, at the first pass, on the fall-back day',
    cadence: daily('01:30', 'America/New_York'),
    from: '2027-11-06T00:00:00Z',
    expected: ['2027-11-06T05:30:00Z', '2027-11-07T05:30:00Z repeated', '2027-11-08T06:30:00Z'],
  },
  {
    name: 'a daily 01:30 with fold "both" fires on both passes',
    cadence: daily('01:30', 'America/New_York', { fold: 'both' }),
    from: '2027-11-06T00:00:00Z',
    expected: [
      '2027-11-06T05:30:00Z',
      '2027-11-07T05:30:00Z repeated',
      '2027-11-07T06:30:00Z repeated',
      '2027-11-08T06:30:00Z',
    ],
  },
  {
    name: 'a fixed-hour cron follows the gap policy like a calendar time',
    cadence: cron('30 2 * * *', 'America/New_York'),
    from: '2027-03-13T00:00:00Z',
    expected: ['2027-03-13T07:30:00Z', '2027-03-14T07:30:00Z shifted', '2027-03-15T06:30:00Z'],
  },
  {
    name: 'an hourly cron stays hourly in real time across the gap',
    cadence: cron('0 * * * *', 'America/New_York'),
    from: '2027-03-14T05:30:00Z',
    expected: ['2027-03-14T06:00:00Z', '2027-03-14T07:00:00Z', '2027-03-14T08:00:00Z'],
  },
  {
    name: 'a half-hourly cron collapses shifted times onto existing ones',
    cadence: cron('*/30 * * * *', 'America/New_York'),
    from: '2027-03-14T06:00:00Z',
    expected: [
      '2027-03-14T06:30:00Z',
      '2027-03-14T07:00:00Z',
      '2027-03-14T07:30:00Z',
      '2027-03-14T08:00:00Z',
    ],
  },
  {
    name: 'an hourly cron fires on both passes of the repeated hour',
    cadence: cron('0 * * * *', 'America/New_York'),
    from: '2027-11-07T04:30:00Z',
    expected: [
      '2027-11-07T05:00:00Z repeated',
      '2027-11-07T06:00:00Z repeated',
      '2027-11-07T07:00:00Z',
      '2027-11-07T08:00:00Z',
    ],
  },
  {
    name: 'a cron with a fixed hour fires once in the repeated hour',
    cadence: cron('*/30 1 * * *', 'America/New_York'),
    from: '2027-11-07T04:30:00Z',
    expected: [
      '2027-11-07T05:00:00Z repeated',
      '2027-11-07T05:30:00Z repeated',
      '2027-11-08T06:00:00Z',
    ],
  },
  {
    name: 'a cron with a fixed hour and fold "both" fires on both passes',
    cadence: cron('*/30 1 * * *', 'America/New_York', { fold: 'both' }),
    from: '2027-11-07T04:30:00Z',
    expected: [
      '2027-11-07T05:00:00Z repeated',
      '2027-11-07T05:30:00Z repeated',
      '2027-11-07T06:00:00Z repeated',
      '2027-11-07T06:30:00Z repeated',
    ],
  },
  {
    name: 'an hourly interval behaves like an hourly cron in the gap and the fold',
    cadence: {
      type: 'interval',
      tick_interval_hours: 1,
      anchor_time: '00:00',
      origin_date: '2027-01-01',
      timezone: 'America/New_York',
    },
    from: '2027-11-07T04:30:00Z',
    expected: [
      '2027-11-07T05:00:00Z repeated',
      '2027-11-07T06:00:00Z repeated',
      '2027-11-07T07:00:00Z',
    ],
  },
  {
    name: 'a 24-hour interval keeps its local anchor time across the gap',
    cadence: {
      type: 'interval',
      tick_interval_hours: 24,
      anchor_time: '02:30',
      origin_date: '2027-03-01',
      timezone: 'America/New_York',
    },
    from: '2027-03-13T00:00:00Z',
    expected: ['2027-03-13T07:30:00Z', '2027-03-14T07:30:00Z shifted', '2027-03-15T06:30:00Z'],
  },
  {
    name: 'an elapsed-time interval ignores DST',
    cadence: {
      type: 'interval',
      tick_interval_hours: 5,
      anchor_time: '22:00',
      origin_date: '2027-03-13',
      timezone: 'America/New_York',
    },
    from: '2027-03-13T00:00:00Z',
    expected: ['2027-03-14T03:00:00Z', '2027-03-14T08:00:00Z', '2027-03-14T13:00:00Z'],
  },
  {
    name: 'a weekly Monday and Thursday 09:00 moves with the clocks',
    cadence: {
      type: 'calendar',
      frequency: 'weekly',
      days_of_week: [1, 4],
      times: ['09:00'],
      timezone: 'America/New_York',
    },
    from: '2027-03-08T00:00:00Z',
    expected: ['2027-03-08T14:00:00Z', '2027-03-11T14:00:00Z', '2027-03-15T13:00:00Z'],
  },
];

// Europe/London 2027: Mar 28 01:00 GMT → 02:00 BST; Oct 31 02:00 BST → 01:00 GMT.
const london: Row[] = [
  {
    name: 'a daily 01:30 shifts out of the London gap',
    cadence: daily('01:30', 'Europe/London'),
    from: '2027-03-27T00:00:00Z',
    expected: ['2027-03-27T01:30:00Z', '2027-03-28T01:30:00Z shifted', '2027-03-29T00:30:00Z'],
  },
  {
    name: 'a daily 01:30 with fold "both" fires twice on the London fall-back day',
    cadence: daily('01:30', 'Europe/London', { fold: 'both' }),
    from: '2027-10-30T00:00:00Z',
    expected: [
      '2027-10-30T00:30:00Z',
      '2027-10-31T00:30:00Z repeated',
      '2027-10-31T01:30:00Z repeated',
      '2027-11-01T01:30:00Z',
    ],
  },
  {
    name: 'a weekly Sunday 01:15 with gap "skip" skips the spring-forward Sunday',
    cadence: {
      type: 'calendar',
      frequency: 'weekly',
      days_of_week: [7],
      times: ['01:15'],
      timezone: 'Europe/London',
      dst_policy: { gap: 'skip' },
    },
    from: '2027-03-20T00:00:00Z',
    expected: ['2027-03-21T01:15:00Z', '2027-04-04T00:15:00Z'],
  },
  {
    name: 'a 24-hour interval shifts out of the London gap like a calendar time',
    cadence: {
      type: 'interval',
      tick_interval_hours: 24,
      anchor_time: '01:30',
      origin_date: '2027-03-01',
      timezone: 'Europe/London',
    },
    from: '2027-03-27T00:00:00Z',
    expected: ['2027-03-27T01:30:00Z', '2027-03-28T01:30:00Z shifted', '2027-03-29T00:30:00Z'],
  },
  {
    name: 'a fixed-hour cron with fold "both" fires twice on the London fall-back day',
    cadence: cron('30 1 * * *', 'Europe/London', { fold: 'both' }),
    from: '2027-10-30T00:00:00Z',
    expected: [
      '2027-10-30T00:30:00Z',
      '2027-10-31T00:30:00Z repeated',
      '2027-10-31T01:30:00Z repeated',
      '2027-11-01T01:30:00Z',
    ],
  },
];

// Sydney 2027: Apr 4 03:00 AEDT → 02:00 AEST; Oct 3 02:00 AEST → 03:00 AEDT.
const sydney: Row[] = [
  {
    name: 'a daily 02:30 shifts out of the Sydney gap',
    cadence: daily('02:30', 'Australia/Sydney'),
    from: '2027-10-01T00:00:00Z',
    expected: ['2027-10-01T16:30:00Z', '2027-10-02T16:30:00Z shifted', '2027-10-03T15:30:00Z'],
  },
  {
    name: 'a daily 02:30 fires at the first pass on the Sydney fall-back day',
    cadence: daily('02:30', 'Australia/Sydney'),
    from: '2027-04-02T00:00:00Z',
    expected: ['2027-04-02T15:30:00Z', '2027-04-03T15:30:00Z repeated', '2027-04-04T16:30:00Z'],
  },
  {
    name: 'a day-of-month-or-weekday cron follows the Sydney offset change',
    cadence: cron('0 9 1-7 * 0', 'Australia/Sydney'),
    from: '2027-03-31T00:00:00Z',
    expected: [
      '2027-03-31T22:00:00Z',
      '2027-04-01T22:00:00Z',
      '2027-04-02T22:00:00Z',
      '2027-04-03T23:00:00Z',
    ],
  },
  {
    name: 'an hourly cron fires on both passes of the Sydney repeated hour',
    cadence: cron('0 * * * *', 'Australia/Sydney'),
    from: '2027-04-03T14:30:00Z',
    expected: [
      '2027-04-03T15:00:00Z repeated',
      '2027-04-03T16:00:00Z repeated',
      '2027-04-03T17:00:00Z',
    ],
  },
  {
    name: 'a 12-hour interval shifts its 02:30 out of the Sydney gap',
    cadence: {
      type: 'interval',
      tick_interval_hours: 12,
      anchor_time: '02:30',
      origin_date: '2027-09-01',
      timezone: 'Australia/Sydney',
    },
    from: '2027-10-02T00:00:00Z',
    expected: ['2027-10-02T04:30:00Z', '2027-10-02T16:30:00Z shifted', '2027-10-03T03:30:00Z'],
  },
];

// Lord Howe 2027: a 30-minute shift. Apr 4 02:00 (+11) → 01:30 (+10:30); Oct 3 02:00 (+10:30) → 02:30 (+11).
const lordHowe: Row[] = [
  {
    name: 'a daily 02:15 shifts by the 30-minute gap',
    cadence: daily('02:15', 'Australia/Lord_Howe'),
    from: '2027-10-01T00:00:00Z',
    expected: ['2027-10-01T15:45:00Z', '2027-10-02T15:45:00Z shifted', '2027-10-03T15:15:00Z'],
  },
  {
    name: 'a daily 01:45 with fold "both" fires 30 minutes apart',
    cadence: daily('01:45', 'Australia/Lord_Howe', { fold: 'both' }),
    from: '2027-04-03T00:00:00Z',
    expected: [
      '2027-04-03T14:45:00Z repeated',
      '2027-04-03T15:15:00Z repeated',
      '2027-04-04T15:15:00Z',
    ],
  },
  {
    name: 'an hourly cron fires at the shifted half hour inside the Lord Howe gap',
    cadence: cron('0 * * * *', 'Australia/Lord_Howe'),
    from: '2027-10-02T14:00:00Z',
    expected: ['2027-10-02T14:30:00Z', '2027-10-02T15:30:00Z shifted', '2027-10-02T16:00:00Z'],
  },
  {
    name: 'an elapsed-time interval ignores the 30-minute shift',
    cadence: {
      type: 'interval',
      tick_interval_hours: 5,
      anchor_time: '22:00',
      origin_date: '2027-10-02',
      timezone: 'Australia/Lord_Howe',
    },
    from: '2027-10-02T00:00:00Z',
    expected: ['2027-10-02T11:30:00Z', '2027-10-02T16:30:00Z', '2027-10-02T21:30:00Z'],
  },
];

// Santiago 2027: transitions at local midnight. Apr 4 00:00 (-03) → Apr 3 23:00 (-04);
// Sep 5 00:00 (-04) → 01:00 (-03).
const santiago: Row[] = [
  {
    name: 'a daily 00:30 shifts out of the midnight gap',
    cadence: daily('00:30', 'America/Santiago'),
    from: '2027-09-04T00:00:00Z',
    expected: ['2027-09-04T04:30:00Z', '2027-09-05T04:30:00Z shifted', '2027-09-06T03:30:00Z'],
  },
  {
    name: 'a daily 23:30 with fold "both" fires twice before midnight',
    cadence: daily('23:30', 'America/Santiago', { fold: 'both' }),
    from: '2027-04-03T12:00:00Z',
    expected: [
      '2027-04-04T02:30:00Z repeated',
      '2027-04-04T03:30:00Z repeated',
      '2027-04-05T03:30:00Z',
    ],
  },
  {
    name: 'a Saturday-only weekly 23:30 fires once on the fall-back Saturday',
    cadence: {
      type: 'calendar',
      frequency: 'weekly',
      days_of_week: [6],
      times: ['23:30'],
      timezone: 'America/Santiago',
    },
    from: '2027-03-30T00:00:00Z',
    expected: ['2027-04-04T02:30:00Z repeated', '2027-04-11T03:30:00Z'],
  },
  {
    name: 'a fixed-hour cron shifts out of the midnight gap',
    cadence: cron('30 0 * * *', 'America/Santiago'),
    from: '2027-09-04T00:00:00Z',
    expected: ['2027-09-04T04:30:00Z', '2027-09-05T04:30:00Z shifted', '2027-09-06T03:30:00Z'],
  },
  {
    name: 'an hourly interval stays hourly across the midnight gap',
    cadence: {
      type: 'interval',
      tick_interval_hours: 1,
      anchor_time: '00:00',
      origin_date: '2027-09-01',
      timezone: 'America/Santiago',
    },
    from: '2027-09-05T02:30:00Z',
    expected: ['2027-09-05T03:00:00Z', '2027-09-05T04:00:00Z', '2027-09-05T05:00:00Z'],
  },
];

// Chatham 2027: +12:45/+13:45. Apr 4 03:45 → 02:45; Sep 26 02:45 → 03:45.
const chatham: Row[] = [
  {
    name: 'a daily 03:00 shifts out of the Chatham gap',
    cadence: daily('03:00', 'Pacific/Chatham'),
    from: '2027-09-24T00:00:00Z',
    expected: ['2027-09-24T14:15:00Z', '2027-09-25T14:15:00Z shifted', '2027-09-26T13:15:00Z'],
  },
  {
    name: 'a daily 03:00 fires at the first pass on the Chatham fall-back day',
    cadence: daily('03:00', 'Pacific/Chatham'),
    from: '2027-04-02T00:00:00Z',
    expected: ['2027-04-02T13:15:00Z', '2027-04-03T13:15:00Z repeated', '2027-04-04T14:15:00Z'],
  },
  {
    name: 'an hourly cron stays hourly in real time across the Chatham gap',
    cadence: cron('0 * * * *', 'Pacific/Chatham'),
    from: '2027-09-25T12:30:00Z',
    expected: ['2027-09-25T13:15:00Z', '2027-09-25T14:15:00Z', '2027-09-25T15:15:00Z'],
  },
  {
    name: 'a 24-hour interval shifts out of the Chatham gap',
    cadence: {
      type: 'interval',
      tick_interval_hours: 24,
      anchor_time: '03:00',
      origin_date: '2027-09-01',
      timezone: 'Pacific/Chatham',
    },
    from: '2027-09-24T00:00:00Z',
    expected: ['2027-09-24T14:15:00Z', '2027-09-25T14:15:00Z shifted', '2027-09-26T13:15:00Z'],
  },
  {
    name: 'a fixed-hour cron with fold "both" fires on both Chatham passes',
    cadence: cron('0 3 * * *', 'Pacific/Chatham', { fold: 'both' }),
    from: '2027-04-02T00:00:00Z',
    expected: [
      '2027-04-02T13:15:00Z',
      '2027-04-03T13:15:00Z repeated',
      '2027-04-03T14:15:00Z repeated',
      '2027-04-04T14:15:00Z',
    ],
  },
];

describe.each([
  ['America/New_York', newYork],
  ['Europe/London', london],
  ['Australia/Sydney', sydney],
  ['Australia/Lord_Howe', lordHowe],
  ['America/Santiago', santiago],
  ['Pacific/Chatham', chatham],
])('fire times across DST in %s', (_zone, rows) => {
  it.each(rows)('$name', ({ cadence, from, expected }) => {
    expect(fires(cadence, from, expected.length)).toEqual(expected);
  });
});
