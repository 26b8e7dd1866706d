import { describe, expect, it } from 'vitest';
import { clearSessionCookie, readCookie, sessionSetCookie } from './session-cookie.ts';

describe('session cookie', () => {
  it('reads one cookie out of a Cookie header, the first of a repeated name', () => {
    expect(readCookie('a=1; rota_session=abc; b=2', 'rota_session')).toBe('abc');
    expect(readCookie('rota_session=x; rota_session=y', 'rota_session')).toBe('x');
    expect(readCookie('not_rota_session=abc', 'rota_session')).toBeUndefined();
    expect(readCookie('rota_session=', 'rota_session')).toBeUndefined();
    expect(readCookie(undefined, 'rota_session')).toBeUndefined();
  });

  it('sets HttpOnly, SameSite=Lax and Path=/, and Secure only when asked', () => {
    expect(sessionSetCookie('id', { secure: false, maxAgeSeconds: 60 })).toBe(
      'rota_session=id; HttpOnly; SameSite=Lax; Path=/; Max-Age=60',
    );
    expect(sessionSetCookie('id', { secure: true, maxAgeSeconds: 60 })).toMatch(/; Secure$/);
    expect(clearSessionCookie(false)).toMatch(
      /^rota_session=; HttpOnly; SameSite=Lax; Path=\/; Max-Age=0/,
    );
  });
});
