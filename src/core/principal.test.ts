import { describe, expect, it } from 'vitest';
import { grantScopes, hasScope, parseScopeClaim, type Principal } from './principal.ts';

describe('grantScopes', () => {
  it('gives every scope of the role when the request names none', () => {
    expect(grantScopes(undefined, 'admin')).toEqual({
      ok: true,
      scopes: ['read', 'write', 'admin'],
    });
    expect(grantScopes('  ', 'member')).toEqual({ ok: true, scopes: ['read', 'write'] });
  });

  it('narrows to the scopes asked for, in canonical order and without repeats', () => {
    expect(grantScopes('write read write', 'member')).toEqual({
      ok: true,
      scopes: ['read', 'write'],
    });
    expect(grantScopes('read', 'admin')).toEqual({ ok: true, scopes: ['read'] });
  });

  it('refuses a scope the role does not allow, and a scope that does not exist', () => {
    expect(grantScopes('read admin', 'member')).toEqual({
      ok: false,
      unknown: [],
      denied: ['admin'],
    });
    expect(grantScopes('read schedules:write', 'admin')).toEqual({
      ok: false,
      unknown: ['schedules:write'],
      denied: [],
    });
  });
});

describe('parseScopeClaim', () => {
  it('reads a space-separated claim back, and rejects unknown scopes and non-strings', () => {
    expect(parseScopeClaim('admin read')).toEqual(['read', 'admin']);
    expect(parseScopeClaim('')).toEqual([]);
    expect(parseScopeClaim('read root')).toBeUndefined();
    expect(parseScopeClaim(['read'])).toBeUndefined();
  });
});

describe('hasScope', () => {
  it('requires the scope in the token and in what the role allows', () => {
    const member: Principal = {
      tenantId: 't',
      role: 'member',
      subject: 'c',
      kind: 'client',
      scopes: ['read', 'admin'],
    };
    expect(hasScope(member, 'read')).toBe(true);
    expect(hasScope(member, 'write')).toBe(false);
    expect(hasScope(member, 'admin')).toBe(false);
  });
});
