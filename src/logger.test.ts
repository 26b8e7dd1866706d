import { describe, expect, it } from 'vitest';
import { loggableUrl } from './logger.ts';

describe('loggableUrl', () => {
  it('takes out the values of secret query parameters and keeps the rest', () => {
    expect(loggableUrl('/oauth/callback?code=abc123&state=xyz')).toBe(
      '/oauth/callback?code=%5Bredacted%5D&state=%5Bredacted%5D',
    );
    expect(loggableUrl('/api/v1/runs?limit=5&cursor=eyJ')).toBe('/api/v1/runs?limit=5&cursor=eyJ');
    expect(loggableUrl('/oauth/authorize?client_id=rc_1&code_challenge=q')).toBe(
      '/oauth/authorize?client_id=rc_1&code_challenge=%5Bredacted%5D',
    );
    expect(loggableUrl('/healthz')).toBe('/healthz');
  });
});
