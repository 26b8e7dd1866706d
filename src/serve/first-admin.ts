// The first admin (SPEC section 7, issue 13): on a start with no user at all, an admin of the
// default tenant is made from ROTA_ADMIN_EMAIL and ROTA_ADMIN_PASSWORD. Without a password, SQLite
// gets a generated one, printed once straight to the start-up output (never through the logger,
// which must not see a password) and written to `<data dir>/initial-admin-password` (0600) until
// that admin first signs in. PostgreSQL's replicas could each generate their own, so there the
// operator is told to run `rota users create` instead.
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionUser } from '../auth/sessions.ts';
import { UserAdmin } from '../auth/users.ts';
import type { Config } from '../config.ts';
import { systemActor } from '../core/audit-actions.ts';
import type { Logger } from '../logger.ts';
import type { Database } from '../storage/database.ts';
import { countUsers } from '../storage/user-store.ts';

export const INITIAL_PASSWORD_FILE = 'initial-admin-password';

export const initialPasswordPath = (config: Config): string =>
  join(config.dataDir, INITIAL_PASSWORD_FILE);

export type FirstAdmin =
  | { readonly created: false; readonly reason: 'users_exist' | 'needs_password' }
  | { readonly created: true; readonly userId: string; readonly generated: boolean };

export async function ensureFirstAdmin(
  config: Config,
  database: Database,
  context: {
    readonly tenantId: string;
    readonly now: () => number;
    readonly newId: () => string;
    readonly logger: Logger;
    /** Where the generated password is shown: the process's stdout. */
    readonly announce: (text: string) => void;
  },
): Promise<FirstAdmin> {
  const { logger } = context;
  if ((await countUsers(database)) > 0) return { created: false, reason: 'users_exist' };
  const email = config.adminEmail;
  if (config.adminPassword === undefined && !database.coordination.singleProcess) {
    logger.warn(
      { email },
      `no user exists yet and ROTA_ADMIN_PASSWORD is unset: create the first admin with \`rota users create --email ${email} --role admin\``,
    );
    return { created: false, reason: 'needs_password' };
  }
  const users = new UserAdmin(database, context);
  const created = await users.create(systemActor(context.tenantId), {
    email,
    name: 'Admin',
    role: 'admin',
    password: config.adminPassword,
  });
  // Another replica made it first.
  if (created === 'email_taken') return { created: false, reason: 'users_exist' };
  const password = created.generatedPassword;
  logger.info({ email, tenant_id: context.tenantId }, 'created the first admin');
  if (password === undefined) return { created: true, userId: created.user.id, generated: false };
  const file = initialPasswordPath(config);
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  context.announce(
    `\nRota created the first admin. Sign in as ${email} with this password (shown once; also in ${file} until that first sign-in):\n\n    ${password}\n\n`,
  );
  return { created: true, userId: created.user.id, generated: true };
}

/** Removes the initial password's file once the first admin has signed in. */
export function forgetInitialPassword(config: Config): (user: SessionUser) => void {
  return (user) => {
    if (user.email !== config.adminEmail || user.role !== 'admin') return;
    rmSync(initialPasswordPath(config), { force: true });
  };
}
