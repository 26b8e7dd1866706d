import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseCron } from './cron-expression.ts';
import { describeCron } from './cron-description.ts';

function describeText(text: string): string | undefined {
  const parsed = parseCron(text);
  if (!parsed.ok) throw new Error(`expected ${text} to parse`);
  return describeCron(parsed.value);
}

describe('describeCron', () => {
  it.each([
    // Repeating within the day.
    ['* * * * *', 'Every minute'],
    ['*/15 * * * *', 'Every 15 minutes'],
    ['0,30 * * * *', 'Every 30 minutes'],
    ['0 * * * *', 'Every hour'],
    ['@hourly', 'Every hour'],
    ['30 * * * *', 'Every hour at 30 minutes past'],
    ['1 * * * *', 'Every hour at 1 minute past'],
    ['15,45 * * * *', 'Every hour at 15 and 45 minutes past'],
    ['0 */2 * * *', 'Every 2 hours'],
    ['0 1/3 * * *', 'Every 3 hours from 1:00 AM'],
    ['0 9-17 * * *', 'Every hour from 9:00 AM through 5:00 PM'],
    ['*/15 9-17 * * *', 'Every 15 minutes from 9:00 AM through 5:45 PM'],
    // Fixed times, every day.
    ['0 9 * * *', 'Daily at 9:00 AM'],
    ['@daily', 'Daily at 12:00 AM'],
    ['@midnight', 'Daily at 12:00 AM'],
    ['30 12 * * *', 'Daily at 12:30 PM'],
    ['0,30 9,17 * * *', 'Daily at 9:00 AM, 9:30 AM, 5:00 PM and 5:30 PM'],
    ['0 0 * * 0-6', 'Daily at 12:00 AM'],
    ['0 0 * * 0-7', 'Daily at 12:00 AM'],
    // Days of the week.
    ['0 9 * * 1-5', 'At 9:00 AM on Monday through Friday'],
    ['0 9 * * MON-FRI', 'At 9:00 AM on Monday through Friday'],
    ['0 9 * * 1,2,3,4,5', 'At 9:00 AM on weekdays'],
    ['0 9 * * 6,0', 'At 9:00 AM on weekends'],
    ['0 9 * * 0,6', 'At 9:00 AM on weekends'],
    ['0 9 * * SAT,SUN', 'At 9:00 AM on weekends'],
    ['0 9 * * 6,7', 'At 9:00 AM on weekends'],
    ['0 9 * * 1,3,5', 'At 9:00 AM on Monday, Wednesday and Friday'],
    ['0 9 * * 5,1', 'At 9:00 AM on Monday and Friday'],
    ['@weekly', 'At 12:00 AM on Sunday'],
    ['0 9 * * 1-3,5', 'At 9:00 AM on Monday through Wednesday and Friday'],
    ['0 12 * * MON,WED-FRI', 'At 12:00 PM on Monday and Wednesday through Friday'],
    ['0 12 * * FRI,MON-WED', 'At 12:00 PM on Monday through Wednesday and Friday'],
    ['0 12 * * 0,3-5', 'At 12:00 PM on Wednesday through Friday and Sunday'],
    ['0 12 * * 5-7,2', 'At 12:00 PM on Tuesday and Friday through Sunday'],
    ['*/10 * * * 6,7', 'Every 10 minutes on weekends'],
    ['0 9-17 * * 1-5', 'Every hour from 9:00 AM through 5:00 PM on Monday through Friday'],
    // Days of the month.
    ['0 18 1,15 * *', 'At 6:00 PM on the 1st and 15th of the month'],
    ['@monthly', 'At 12:00 AM on the 1st of the month'],
    ['0 0 L * *', 'At 12:00 AM on the last day of the month'],
    ['0 0 1,L * *', 'At 12:00 AM on the 1st and last day of the month'],
    ['0 0 1-7 * *', 'At 12:00 AM on the 1st through 7th of the month'],
    ['0 0 1,10-12 * *', 'At 12:00 AM on the 1st and 10th through 12th of the month'],
    ['0 0 20,1-3 * *', 'At 12:00 AM on the 1st through 3rd and 20th of the month'],
    ['0 0 2,3,22,23 * *', 'At 12:00 AM on the 2nd, 3rd, 22nd and 23rd of the month'],
    ['0 17 * * 5L', 'At 5:00 PM on the last Friday of the month'],
    ['0 12 * * 1,5L', 'At 12:00 PM on Monday and the last Friday of the month'],
    // Months.
    ['0 9 * 1,7 *', 'Daily at 9:00 AM in January and July'],
    ['0 9 * JAN-MAR *', 'Daily at 9:00 AM in January through March'],
    ['0 0 1 JAN,MAR-MAY *', 'At 12:00 AM on the 1st of January and March through May'],
    ['0 9 * 12,JAN-MAR *', 'Daily at 9:00 AM in January through March and December'],
    ['0 9 * 1-3 1', 'At 9:00 AM on Monday in January through March'],
    ['@yearly', 'At 12:00 AM on the 1st of January'],
    ['0 0 L 2 *', 'At 12:00 AM on the last day of February'],
    ['0 17 * 12 5L', 'At 5:00 PM on the last Friday of December'],
    ['0 * * 6 *', 'Every hour in June'],
    // Vixie OR of day-of-month and day-of-week.
    ['0 9 1 * 1', 'At 9:00 AM on the 1st of the month or on Monday'],
    ['0 0 13 3 5', 'At 12:00 AM on the 13th of the month or on Friday in March'],
    ['0 0 1 * 0-6', 'Daily at 12:00 AM'],
  ])('describes %j as %j', (text, phrase) => {
    expect(describeText(text)).toBe(phrase);
  });

  it.each([
    ['*/7 * * * *', 'a step that does not divide the hour'],
    ['0 0 */2 * *', 'a stepped day-of-month'],
    ['0 0 */2 * 1', 'a stepped day-of-month filtering a weekday'],
    ['0,5,10,15,20,25,35 1,2 * * *', 'too many irregular times'],
    ['0 0 1,2,3,4,5,6,7 * *', 'too many days of the month'],
  ])('gives up on %j (%s)', (text) => {
    expect(describeText(text)).toBeUndefined();
  });

  it('phrases every valid expression without throwing, starting with a capital', () => {
    const field = fc.constantFrom('*', '*/5', '1', '1-5', '2,4', '1/3', 'L', '5L', 'JAN', 'MON');
    fc.assert(
      fc.property(fc.array(field, { minLength: 5, maxLength: 5 }), (fields) => {
        const parsed = parseCron(fields.join(' '));
        if (!parsed.ok) return;
        const phrase = describeCron(parsed.value);
        if (phrase !== undefined) expect(phrase).toMatch(/^(Every|Daily|At) [^ ]/);
      }),
    );
  });
});
