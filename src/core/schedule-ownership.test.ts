import { describe, expect, it } from 'vitest';
import type { Principal } from './principal.ts';
import { isPause, mayChangeSchedule } from './schedule-ownership.ts';

const user = (subject: string, role: 'admin' | 'member'): Principal => ({
  tenantId: 't',
  role,
  subject,
  kind: 'user',
  scopes: ['read', 'write'],
});
const client: Principal = { ...user('rc_1', 'admin'), kind: 'client' };
const owned = { owner_kind: 'user' as const, owner_id: 'ada' };

describe('mayChangeSchedule', () => {
  it('lets only the owner change a user-owned schedule; admins may pause or delete it', () => {
    expect(mayChangeSchedule(user('ada', 'member'), owned, 'other')).toBe(true);
    expect(mayChangeSchedule(user('bea', 'member'), owned, 'other')).toBe(false);
    expect(mayChangeSchedule(user('bea', 'member'), owned, 'pause')).toBe(false);
    expect(mayChangeSchedule(user('bea', 'admin'), owned, 'other')).toBe(false);
    expect(mayChangeSchedule(user('bea', 'admin'), owned, 'pause')).toBe(true);
    expect(mayChangeSchedule(user('bea', 'admin'), owned, 'delete')).toBe(true);
    expect(mayChangeSchedule(client, owned, 'other')).toBe(false);
    // A machine client cannot pass for a user with the same id.
    expect(mayChangeSchedule({ ...client, subject: 'ada', role: 'member' }, owned, 'other')).toBe(
      false,
    );
  });

  it('leaves a client-owned schedule to anyone who may write', () => {
    const machine = { owner_kind: 'client' as const, owner_id: 'rc_1' };
    expect(mayChangeSchedule(user('bea', 'member'), machine, 'other')).toBe(true);
  });
});

describe('isPause', () => {
  it('is a body that only turns the schedule off, with or without a note', () => {
    expect(isPause({ enabled: false })).toBe(true);
    expect(isPause({ enabled: false, pause_note: 'holiday' })).toBe(true);
    expect(isPause({ enabled: false, name: 'x' })).toBe(false);
    expect(isPause({ enabled: true })).toBe(false);
    expect(isPause({ pause_note: 'x' })).toBe(false);
  });
});
