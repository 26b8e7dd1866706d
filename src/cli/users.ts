// `rota users create|list|delete`: local users straight in the configured database, with no
// server running (SPEC section 10), for bootstrap: e.g. the first admin on PostgreSQL. A password
// is read from standard input (never argv) or generated and printed once.
import type { Command } from 'commander';
import { formatInstant } from '../core/instant.ts';
import { isRole, ROLES, type Role } from '../core/principal.ts';
import { issue } from '../core/validation-issue.ts';
import { loadConfig, type Config } from '../config.ts';
import { createUserAccount, deleteUserAccount, userAccounts } from '../main.ts';
import { ExitCode, reportErrors, type CliIo } from './io.ts';

interface CreateOptions {
  readonly email: string;
  readonly role: string;
  readonly name?: string;
  readonly tenant?: string;
  readonly passwordStdin?: boolean;
  readonly json?: boolean;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

export function registerUsers(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const users = program
    .command('users')
    .description('Create, list and delete users in the configured database.');
  users
    .command('create')
    .description('Create a user. Works with no server running; migrates the schema first.')
    .requiredOption('--email <email>', 'the address the user signs in with')
    .option('--role <role>', `${ROLES.join(' or ')}`, 'member')
    .option('--name <name>', 'what reads show as the user’s name (default: from the email)')
    .option('--tenant <name>', 'the tenant, by name; created when missing (default: the first)')
    .option('--password-stdin', 'read the password from standard input (else one is generated)')
    .option('--json', 'print {"id", "tenant_id", "email", "role", "password"?}')
    .action(async (options: CreateOptions) => setExit(await runCreate(io, options)));
  users
    .command('list')
    .description('List every tenant’s users.')
    .option('--json', 'print {"users": [{"id", "tenant_id", "email", "name", "role", …}]}')
    .action(async (options: { json?: boolean }) =>
      setExit(await runList(io, options.json === true)),
    );
  users
    .command('delete')
    .argument('<id-or-email>', 'the user’s id, or their email when one tenant has it')
    .description('Delete a user: their sessions end, grants are revoked, schedules paused.')
    .action(async (who: string) => setExit(await runDelete(io, who)));
}

function configOrExit(io: CliIo): Config | undefined {
  const loaded = loadConfig(io.env);
  if (loaded.ok) return loaded.config;
  for (const e of loaded.errors) io.stderr(`error: ${e.message}\n`);
  return undefined;
}

async function readPassword(io: CliIo): Promise<string | undefined> {
  if (io.readStdin === undefined) return undefined;
  return (await io.readStdin()).replace(/\r?\n$/, '');
}

async function runCreate(io: CliIo, options: CreateOptions): Promise<number> {
  const json = options.json === true;
  const errors = [];
  if (!EMAIL.test(options.email.trim()))
    errors.push(issue('--email', 'invalid_argument', '--email must be an email address'));
  if (!isRole(options.role))
    errors.push(
      issue(
        '--role',
        'invalid_argument',
        `--role must be ${ROLES.join(' or ')}, not "${options.role}"`,
      ),
    );
  if (options.tenant?.trim() === '')
    errors.push(issue('--tenant', 'invalid_argument', '--tenant must not be empty'));
  const password = options.passwordStdin === true ? await readPassword(io) : undefined;
  if (options.passwordStdin === true && (password === undefined || password.length < 8))
    errors.push(
      issue(
        '--password-stdin',
        'invalid_argument',
        'the password on stdin must be 8 characters or more',
      ),
    );
  if (errors.length > 0) {
    reportErrors(errors, json, io);
    return ExitCode.usage;
  }
  const config = configOrExit(io);
  if (config === undefined) return ExitCode.usage;
  const created = await createUserAccount(config, {
    email: options.email,
    role: options.role as Role,
    name: options.name?.trim() || undefined,
    tenant: options.tenant?.trim(),
    password,
    now: io.now(),
  });
  if (created === 'email_taken') {
    const message = `a user of this tenant already has the email ${options.email.trim().toLowerCase()}`;
    if (json) reportErrors([issue('--email', 'email_taken', message)], true, io);
    else io.stderr(`error: ${message}\n`);
    return ExitCode.failure;
  }
  const { user, generatedPassword } = created;
  if (json) {
    io.stdout(
      `${JSON.stringify({
        id: user.id,
        tenant_id: user.tenant_id,
        email: user.email,
        role: user.role,
        ...(generatedPassword === undefined ? {} : { password: generatedPassword }),
      })}\n`,
    );
    return ExitCode.ok;
  }
  io.stdout(
    `Created ${user.role} ${user.email} (${user.id}) in tenant ${user.tenant_id}.\n` +
      (generatedPassword === undefined
        ? ''
        : `\n  password  ${generatedPassword}\n\nThe password is shown only this once.\n`),
  );
  return ExitCode.ok;
}

async function runList(io: CliIo, json: boolean): Promise<number> {
  const config = configOrExit(io);
  if (config === undefined) return ExitCode.usage;
  const users = await userAccounts(config);
  if (json) {
    io.stdout(
      `${JSON.stringify({
        users: users.map((u) => ({
          id: u.id,
          tenant_id: u.tenant_id,
          email: u.email,
          name: u.name,
          role: u.role,
          created_at: formatInstant(u.created_at),
          last_sign_in_at: u.last_sign_in_at === null ? null : formatInstant(u.last_sign_in_at),
        })),
      })}\n`,
    );
    return ExitCode.ok;
  }
  if (users.length === 0) {
    io.stdout('No users yet: create one with `rota users create --email … --role admin`.\n');
    return ExitCode.ok;
  }
  for (const u of users)
    io.stdout(`${u.id}  ${u.role.padEnd(6)}  tenant ${u.tenant_id}  ${u.email}  ${u.name}\n`);
  return ExitCode.ok;
}

async function runDelete(io: CliIo, who: string): Promise<number> {
  const config = configOrExit(io);
  if (config === undefined) return ExitCode.usage;
  const outcome = await deleteUserAccount(config, who, io.now());
  const failures = {
    missing: `no user has the id or email ${who}`,
    ambiguous: `several tenants have a user ${who}: name the user by id (rota users list)`,
    last_admin: `${who} is their tenant's last admin: a tenant keeps at least one`,
  } as const;
  if (outcome !== 'deleted') {
    io.stderr(`error: ${failures[outcome]}\n`);
    return ExitCode.failure;
  }
  io.stdout(`Deleted user ${who}: their sessions ended and their schedules are paused.\n`);
  return ExitCode.ok;
}
