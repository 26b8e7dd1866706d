import { describe, expect, it } from 'vitest';
import { sessionCredential, type SessionIdentity } from './session-credential.ts';

const ada: SessionIdentity = {
  userId: 'user-ada',
  tenantId: 'tenant-a',
  role: 'member',
  csrfToken: 'csrf-of-ada',
};
const credential = sessionCredential((cookies) =>
  Promise.resolve(cookies?.includes('rota_session=live') === true ? ada : undefined),
);
const request = (method: string, headers: Record<string, string>) => ({ method, headers });

describe('sessionCredential', () => {
  it('presents nothing without a rota_session cookie, so other kinds and the 401 decide', async () => {
    expect(await credential.verify(request('GET', {}))).toBeUndefined();
    expect(await credential.verify(request('GET', { cookie: 'theme=dark' }))).toBeUndefined();
  });

  it('makes a user principal with the role’s scopes from a live session', async () => {
    expect(
      await credential.verify(request('GET', { cookie: 'theme=dark; rota_session=live' })),
    ).toEqual({
      tenantId: 'tenant-a',
      role: 'member',
      subject: 'user-ada',
      kind: 'user',
      scopes: ['read', 'write'],
    });
  });

  it('refuses an ended session with 401', async () => {
    expect(await credential.verify(request('GET', { cookie: 'rota_session=gone' }))).toMatchObject({
      refused: { status: 401, code: 'unauthenticated' },
    });
  });

  it('needs X-CSRF-Token equal to the session’s on unsafe methods only', async () => {
    const cookie = 'rota_session=live';
    for (const method of ['POST', 'PATCH', 'PUT', 'DELETE'])
      expect(await credential.verify(request(method, { cookie }))).toMatchObject({
        refused: { status: 403, code: 'csrf_failed' },
      });
    expect(
      await credential.verify(request('POST', { cookie, 'x-csrf-token': 'csrf-of-bob' })),
    ).toMatchObject({ refused: { code: 'csrf_failed' } });
    expect(
      await credential.verify(request('POST', { cookie, 'x-csrf-token': 'csrf-of-ada' })),
    ).toMatchObject({ kind: 'user', subject: 'user-ada' });
    for (const method of ['GET', 'HEAD', 'OPTIONS'])
      expect(await credential.verify(request(method, { cookie }))).toMatchObject({ kind: 'user' });
  });
});
