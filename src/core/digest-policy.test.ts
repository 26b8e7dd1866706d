import { describe, expect, it } from 'vitest';
import type { DigestConfig } from './digest-config.ts';
import { digestWanted } from './digest-policy.ts';

const config = (over: Partial<DigestConfig> = {}): DigestConfig => ({
  enabled: true,
  recipients: ['ops@x.test'],
  send: 'always',
  minSeverity: null,
  ...over,
});
const clean = { failedRuns: 0, findingSeverities: [] };

describe('digestWanted', () => {
  it('sends every tick with send: always, also a tick that started no run', () => {
    expect(digestWanted(config(), clean)).toBe(true);
  });

  it('sends nothing when digests are off', () => {
    expect(digestWanted(null, { failedRuns: 3, findingSeverities: ['critical'] })).toBe(false);
    expect(digestWanted(config({ enabled: false }), { failedRuns: 1, findingSeverities: [] })).toBe(
      false,
    );
  });

  it('sends on_failure only when a run failed, without a minimum severity', () => {
    const onFailure = config({ send: 'on_failure' });
    expect(digestWanted(onFailure, clean)).toBe(false);
    expect(digestWanted(onFailure, { failedRuns: 0, findingSeverities: ['critical'] })).toBe(false);
    expect(digestWanted(onFailure, { failedRuns: 1, findingSeverities: [] })).toBe(true);
  });

  it('counts a finding at or above min_severity as a failure under on_failure', () => {
    const onFailure = config({ send: 'on_failure', minSeverity: 'high' });
    expect(digestWanted(onFailure, { failedRuns: 0, findingSeverities: ['medium', 'low'] })).toBe(
      false,
    );
    expect(digestWanted(onFailure, { failedRuns: 0, findingSeverities: ['high'] })).toBe(true);
    expect(digestWanted(onFailure, { failedRuns: 0, findingSeverities: ['critical'] })).toBe(true);
  });
});
