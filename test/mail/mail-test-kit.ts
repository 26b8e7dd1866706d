// What the mail tests share: a tick ended through the engine (so its digest is queued the real
// way), a mailer on a hand-moved clock whose timers never fire by themselves, and its settings.
import { randomUUID } from 'node:crypto';
import { endTicks } from '../../src/engine/tick-ender.ts';
import { DigestMailer } from '../../src/mail/digest-mailer.ts';
import type { DigestTransport } from '../../src/mail/digest-transport.ts';
import type { Database } from '../../src/storage/database.ts';
import {
  EXAMPLE_FIRE_TIME,
  seedExampleTick,
  type ExampleTickOptions,
} from '../fixtures/example-tick.ts';
import { schedulerStore } from '../../src/storage/scheduler-storage.ts';
import { mailStore } from '../../src/storage/mail-storage.ts';

export const PUBLIC_URL = 'https://rota.example.test';
export const MAIL_FROM = 'Rota <rota@example.test>';
export const ENDED_AT = EXAMPLE_FIRE_TIME + 5 * 60_000;

/** A clock the test moves by hand; the mailer's timers are recorded, never fired. */
export class HandClock {
  current = ENDED_AT;
  armed = 0;
  now = (): number => this.current;
  timer = () => {
    this.armed++;
    return { cancel: () => undefined };
  };
}

/** The example tick with `digestConfig`, ended by the engine's tick ender. */
export async function endedExampleTick(
  database: Database,
  digestConfig: object | null,
  options: Partial<ExampleTickOptions> = {},
) {
  const tick = await seedExampleTick(database, { digestConfig, newId: randomUUID, ...options });
  await endTicks(schedulerStore(database).ticks, ENDED_AT);
  return tick;
}

export const mailerFor = (database: Database, transport: DigestTransport, clock: HandClock) =>
  new DigestMailer({
    store: mailStore(database),
    transport,
    holder: 'mailer-1',
    publicUrl: PUBLIC_URL,
    mailFrom: MAIL_FROM,
    now: clock.now,
    timer: clock.timer,
  });

export const digestRows = (database: Database) =>
  database.db.selectFrom('digests').selectAll().orderBy('created_at').orderBy('id').execute();
