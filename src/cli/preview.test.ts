import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli.test-helpers.ts';

const rota = (...argv: string[]) => runCli(argv);

const weekly = JSON.stringify({
  type: 'calendar',
  frequency: 'weekly',
  days_of_week: [1, 4],
  times: ['09:00'],
  timezone: 'America/New_York',
});

describe('rota preview', () => {
  it('prints exactly the documented JSON contract', async () => {
    const { code, stdout } = await rota(
      'preview',
      '--cadence',
      weekly,
      '--from',
      '2027-03-08T00:00:00Z',
      '--count',
      '3',
      '--json',
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      summary: 'Weekly on Monday and Thursday at 9:00 AM EST',
      next_runs: [
        { at: '2027-03-08T14:00:00Z', local: '2027-03-08T09:00:00-05:00', dst: null },
        { at: '2027-03-11T14:00:00Z', local: '2027-03-11T09:00:00-05:00', dst: null },
        { at: '2027-03-15T13:00:00Z', local: '2027-03-15T09:00:00-04:00', dst: null },
      ],
    });
  });

  it('lists fire times strictly after --from, which may carry an offset', async () => {
    const { stdout } = await rota(
      'preview',
      '--cadence',
      weekly,
      '--from',
      '2027-03-08T09:00:00-05:00',
      '--count',
      '1',
      '--json',
    );
    expect(JSON.parse(stdout).next_runs[0].at).toBe('2027-03-11T14:00:00Z');
  });

  it('defaults to five fire times from now', async () => {
    const { stdout } = await rota('preview', '--cadence', weekly, '--json');
    const runs = JSON.parse(stdout).next_runs;
    expect(runs).toHaveLength(5);
    expect(runs[0].at).toBe('2026-11-23T14:00:00Z');
  });

  it('marks shifted and repeated times and shows the human table with skipped times', async () => {
    const shifted = await rota(
      'preview',
      '--cadence',
      JSON.stringify({ type: 'cron', expression: '30 2 * * *', timezone: 'America/New_York' }),
      '--from',
      '2027-03-13T12:00:00Z',
      '--count',
      '1',
      '--json',
    );
    expect(JSON.parse(shifted.stdout).next_runs).toEqual([
      { at: '2027-03-14T07:30:00Z', local: '2027-03-14T03:30:00-04:00', dst: 'shifted' },
    ]);

    const skip = JSON.stringify({
      type: 'calendar',
      frequency: 'daily',
      times: ['02:30'],
      timezone: 'America/New_York',
      dst_policy: { gap: 'skip' },
    });
    const human = await rota(
      'preview',
      '--cadence',
      skip,
      '--from',
      '2027-03-12T12:00:00Z',
      '--count',
      '2',
    );
    expect(human.code).toBe(0);
    expect(human.stdout.split('\n')).toEqual([
      'Daily at 2:30 AM EST',
      'Time zone America/New_York; in a DST gap: skip; in a repeated hour: first pass only.',
      '',
      '1  Sat 2027-03-13 02:30 -05:00   2027-03-13T07:30:00Z',
      '-  Sun 2027-03-14 02:30          skipped: does not exist (DST gap, gap "skip")',
      '2  Mon 2027-03-15 02:30 -04:00   2027-03-15T06:30:00Z',
      '',
    ]);
  });

  it('lists the passes of a repeated hour in time order and says how every-hour cadences treat DST', async () => {
    const cadence = JSON.stringify({
      type: 'cron',
      expression: '15,45 * * * *',
      timezone: 'America/New_York',
    });
    const { stdout } = await rota(
      'preview',
      '--cadence',
      cadence,
      '--from',
      '2027-11-07T04:50:00Z',
      '--count',
      '4',
    );
    expect(stdout.split('\n')).toEqual([
      'Every hour at 15 and 45 minutes past EDT',
      'Time zone America/New_York; fires on both passes of a repeated hour and shifts out of DST gaps.',
      '',
      '1  Sun 2027-11-07 01:15 -04:00   2027-11-07T05:15:00Z  in a repeated hour',
      '2  Sun 2027-11-07 01:45 -04:00   2027-11-07T05:45:00Z  in a repeated hour',
      '3  Sun 2027-11-07 01:15 -05:00   2027-11-07T06:15:00Z  in a repeated hour',
      '4  Sun 2027-11-07 01:45 -05:00   2027-11-07T06:45:00Z  in a repeated hour',
      '',
    ]);
  });

  it('allows up to 1000 fire times and no more', async () => {
    const many = await rota('preview', '--cadence', weekly, '--count', '1000', '--json');
    expect(JSON.parse(many.stdout).next_runs).toHaveLength(1000);
    const tooMany = await rota('preview', '--cadence', weekly, '--count', '1001', '--json');
    expect(tooMany.code).toBe(2);
    expect(JSON.parse(tooMany.stdout).errors[0]).toMatchObject({
      field: '--count',
      code: 'invalid_argument',
    });
  });

  it.each([
    [
      ['--cadence', '{"type":"calendar","times":["25:00"]}'],
      ['/frequency', '/times/0'],
    ],
    [['--cadence', 'not json'], ['--cadence']],
    [['--cadence', weekly, '--from', '2027-03-08T00:00:00'], ['--from']],
    [['--cadence', weekly, '--from', 'yesterday'], ['--from']],
    [['--cadence', weekly, '--count', 'ten'], ['--count']],
    [['--cadence', weekly, '--count', '0'], ['--count']],
    [['--cadence', weekly, '--count', '1e2'], ['--count']],
    [['--cadence', weekly, '--count', '0x10'], ['--count']],
    [['--cadence', weekly, '--from', '9999-12-31T23:59:59Z'], ['--from']],
    [['--cadence', weekly, '--from', '1850-01-01T00:00:00Z'], ['--from']],
    [['--cadence', '{"type":"cron","expression":"0 0 30 2 *"}'], ['']],
    [[], ['']],
    [['--cadence', weekly, '--bogus'], ['']],
  ])('exits 2 with {"errors"} on stdout for %j', async (args, fields) => {
    const { code, stdout } = await rota('preview', ...args, '--json');
    expect(code).toBe(2);
    const errors = (
      JSON.parse(stdout) as { errors: { field: string; code: string; message: string }[] }
    ).errors;
    expect(errors.map((e) => e.field)).toEqual(fields);
    for (const e of errors) expect(e.message).not.toBe('');
  });

  it('explains bad input on stderr without --json', async () => {
    const { code, stdout, stderr } = await rota(
      'preview',
      '--cadence',
      '{"type":"cron","expression":"61 * * * *"}',
    );
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^error: cadence\/expression: .*minute.*\(invalid_cron\)\n$/);
  });
});

describe('the rota executable', () => {
  const run = promisify(execFile);

  it('exits quietly when its reader closes the pipe early', async () => {
    // One large --json write is still pending when `head` closes the pipe.
    const every = JSON.stringify({ type: 'cron', expression: '* * * * *' });
    const script = `"${process.execPath}" bin/rota.js preview --cadence '${every}' --count 1000 --json | head -c 10; exit \${PIPESTATUS[0]}`;
    const { stdout, stderr } = await run('bash', ['-c', script]);
    expect(stdout).toHaveLength(10);
    expect(stderr).toBe('');
  });

  it('runs preview as a real process and exits 2 on a usage error', async () => {
    const ok = await run(process.execPath, [
      'bin/rota.js',
      'preview',
      '--cadence',
      weekly,
      '--from',
      '2027-03-08T00:00:00Z',
      '--count',
      '1',
      '--json',
    ]);
    expect(JSON.parse(ok.stdout).next_runs).toHaveLength(1);
    const failed = await run(process.execPath, ['bin/rota.js', 'preview', '--json']).catch(
      (e: { code: number; stdout: string }) => e,
    );
    expect(failed).toMatchObject({ code: 2 });
    expect(JSON.parse(failed.stdout).errors).toHaveLength(1);
  });
});
