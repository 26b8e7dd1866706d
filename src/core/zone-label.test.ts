import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { zoneLabel } from './zone-label.ts';

const winter = Date.UTC(2026, 0, 20, 17);
const summer = Date.UTC(2026, 6, 20, 17);

describe('zoneLabel', () => {
  it.each([
    ['America/New_York', 'EST', 'EDT'],
    ['America/Los_Angeles', 'PST', 'PDT'],
    ['America/Anchorage', 'AKST', 'AKDT'],
    ['America/Phoenix', 'MST', 'MST'],
    ['Pacific/Honolulu', 'HST', 'HST'],
    ['UTC', 'UTC', 'UTC'],
    ['Etc/UTC', 'UTC', 'UTC'],
  ])('abbreviates %s as %s in winter and %s in summer', (zone, inWinter, inSummer) => {
    expect(zoneLabel(zone, winter)).toBe(inWinter);
    expect(zoneLabel(zone, summer)).toBe(inSummer);
  });

  it.each(['Europe/Berlin', 'Asia/Tokyo', 'Asia/Kolkata', 'Australia/Sydney', 'America/St_Johns'])(
    'names %s in parentheses because en-US gives it only GMT offsets',
    (zone) => {
      expect(zoneLabel(zone, winter)).toBe(`(${zone})`);
      expect(zoneLabel(zone, summer)).toBe(`(${zone})`);
    },
  );

  it('names Europe/London in parentheses even in winter, since its summer name is GMT+1', () => {
    expect(zoneLabel('Europe/London', winter)).toBe('(Europe/London)');
    expect(zoneLabel('Europe/London', summer)).toBe('(Europe/London)');
  });

  it('falls back to the parenthesised name for an unknown zone or an impossible instant', () => {
    expect(zoneLabel('Mars/Olympus_Mons', winter)).toBe('(Mars/Olympus_Mons)');
    expect(zoneLabel('America/New_York', Number.NaN)).toBe('(America/New_York)');
  });

  it('always answers either letters only or a parenthesised zone name', () => {
    const zones = ['America/New_York', 'Europe/Berlin', 'UTC', 'Australia/Lord_Howe', 'Asia/Gaza'];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: Date.UTC(2200, 0, 1) }),
        (zone, instant) => {
          const label = zoneLabel(zone, instant);
          expect(/^[A-Za-z]+$/.test(label) || label === `(${zone})`).toBe(true);
        },
      ),
    );
  });
});
