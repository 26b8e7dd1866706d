import { describe, expect, it } from 'vitest';
import { safeReturnPath } from './authorize.ts';

describe('safeReturnPath', () => {
  it('keeps a same-origin relative path with its query', () => {
    expect(safeReturnPath('/oauth/authorize?client_id=rc_1&state=a%2Fb')).toBe(
      '/oauth/authorize?client_id=rc_1&state=a%2Fb',
    );
    expect(safeReturnPath('/oauth/start')).toBe('/oauth/start');
  });

  it('sends anything that could leave the origin to /', () => {
    for (const path of [
      undefined,
      '',
      'https://evil.example/',
      '//evil.example/',
      '/\\evil.example/',
      'javascript:alert(1)',
      '/ok\u0000',
      'relative/path',
    ])
      expect(safeReturnPath(path)).toBe('/');
  });

  it('keeps an encoded character as it is: the browser reads it as part of this origin’s path', () => {
    expect(safeReturnPath('/%0a//evil.example')).toBe('/%0a//evil.example');
  });
});
