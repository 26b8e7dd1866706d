import { describe, expect, it } from 'vitest';
import { addressProblem, parseDigestConfig, storedDigestConfig } from './digest-config.ts';

const errorsOf = (input: unknown) => {
  const parsed = parseDigestConfig(input);
  return parsed.ok ? [] : parsed.errors.map((e) => [e.field, e.code]);
};

describe('parseDigestConfig', () => {
  it('fills in the defaults: enabled, send always, every finding', () => {
    expect(parseDigestConfig({ recipients: ['ops@Example.COM'] })).toEqual({
      ok: true,
      value: {
        enabled: true,
        recipients: ['ops@example.com'],
        send: 'always',
        minSeverity: null,
      },
    });
  });

  it('reads null as no digests, and a disabled config without recipients as valid', () => {
    expect(parseDigestConfig(null)).toEqual({ ok: true, value: null });
    expect(parseDigestConfig({ enabled: false })).toEqual({
      ok: true,
      value: { enabled: false, recipients: [], send: 'always', minSeverity: null },
    });
  });

  it('keeps on_failure and a minimum severity', () => {
    const parsed = parseDigestConfig({
      enabled: true,
      recipients: ['a@x.test'],
      send: 'on_failure',
      min_severity: 'high',
    });
    expect(parsed.ok && parsed.value).toMatchObject({ send: 'on_failure', minSeverity: 'high' });
  });

  it('requires 1 to 50 recipients when enabled', () => {
    expect(errorsOf({ enabled: true })).toEqual([['/recipients', 'required']]);
    expect(errorsOf({ enabled: true, recipients: [] })).toEqual([['/recipients', 'invalid_value']]);
    const many = Array.from({ length: 51 }, (_, i) => `u${i}@x.test`);
    expect(errorsOf({ recipients: many })).toEqual([['/recipients', 'invalid_value']]);
    expect(errorsOf({ recipients: many.slice(0, 50) })).toEqual([]);
  });

  it('refuses header injection and anything but a plain address, pointing at the entry', () => {
    expect(
      errorsOf({
        recipients: [
          'ok@x.test',
          'a@x.test\r\nBcc: victim@evil.test',
          'Ops <ops@x.test>',
          'a@x.test, b@x.test',
          'no-at-sign',
          '"quoted"@x.test',
          'a@bad_host.test',
          'ü@x.test',
          'a@x.test\n',
          7,
        ],
      }),
    ).toEqual([
      ['/recipients/1', 'invalid_email'],
      ['/recipients/2', 'invalid_email'],
      ['/recipients/3', 'invalid_email'],
      ['/recipients/4', 'invalid_email'],
      ['/recipients/5', 'invalid_email'],
      ['/recipients/6', 'invalid_email'],
      ['/recipients/7', 'invalid_email'],
      ['/recipients/8', 'invalid_email'],
      ['/recipients/9', 'invalid_type'],
    ]);
  });

  it('says why a line break is refused', () => {
    expect(addressProblem('a@x.test\r\nBcc: b@y.test')).toMatch(/inject mail headers/);
    expect(addressProblem('first.last+tag@mail.example.co.uk')).toBeUndefined();
  });

  it('refuses the same recipient twice, ignoring case', () => {
    expect(errorsOf({ recipients: ['Ops@x.test', 'ops@X.test'] })).toEqual([
      ['/recipients/1', 'invalid_value'],
    ]);
  });

  it('reports unknown fields, bad send, bad min_severity and bad enabled all at once', () => {
    expect(
      errorsOf({
        enabled: 'yes',
        recipients: ['a@x.test'],
        send: 'sometimes',
        min_severity: 'urgent',
        cc: [],
      }),
    ).toEqual([
      ['/cc', 'field_not_allowed'],
      ['/enabled', 'invalid_type'],
      ['/send', 'invalid_value'],
      ['/min_severity', 'invalid_value'],
    ]);
    expect(errorsOf('ops@x.test')).toEqual([['', 'invalid_type']]);
  });
});

describe('storedDigestConfig', () => {
  it('reads a stored config, and treats a missing, broken or no longer valid one as no digests', () => {
    expect(storedDigestConfig('{"recipients":["a@x.test"]}')?.recipients).toEqual(['a@x.test']);
    expect(storedDigestConfig(null)).toBeNull();
    expect(storedDigestConfig('{not json')).toBeNull();
    expect(storedDigestConfig('{"recipients":["a@x.test\\r\\nBcc: b@y.test"]}')).toBeNull();
  });
});
