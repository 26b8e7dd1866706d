// `rota clients create|list|delete`: machine clients straight in the configured database, with no
// server running (SPEC section 10), for bootstrap. Scripts rely on
// `rota clients create --json` printing exactly {"tenant_id", "client_id", "client_secret"}.
import type { Command } from 'commander';
import { formatInstant } from '../core/instant.ts';
import { isRole, ROLES, type Role } from '../core/principal.ts';
import { issue } from '../core/validation-issue.ts';
import { loadConfig, type Config } from '../config.ts';
import { createMachineClient, deleteMachineClient, machineClients } from '../main.ts';
import { ExitCode, reportErrors, type CliIo } from './io.ts';

interface CreateOptions {
  readonly tenant?: string;
  readonly role: string;
  readonly name?: string;
  readonly json?: boolean;
}

export function registerClients(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
): void {
  const clients = program
    .command('clients')
    .description('Create and list OAuth machine clients in the configured database.');
  clients
    .command('create')
    .description(
      'Create a client and print its secret, once. Works with no server running; migrates the schema first.',
    )
    .option(
      '--tenant <name>',
      'the tenant, by name; created when missing (default: the first tenant)',
    )
    .option('--role <role>', `${ROLES.join(' or ')}`, 'admin')
    .option('--name <name>', 'a label for people (default: when and how it was created)')
    .option('--json', 'print {"tenant_id", "client_id", "client_secret"}')
    .action(async (options: CreateOptions) => setExit(await runCreate(io, options)));
  clients
    .command('list')
    .description('List every tenant’s clients (never their secrets).')
    .option(
      '--json',
      'print {"clients": [{"id", "tenant_id", "client_id", "name", "role", "created_at"}]}',
    )
    .action(async (options: { json?: boolean }) =>
      setExit(await runList(io, options.json === true)),
    );
  clients
    .command('delete')
    .argument('<client_id>', 'the public id `rota clients create` printed')
    .description(
      'Delete a client: it can mint no more tokens, and its tokens stop verifying at once.',
    )
    .action(async (clientId: string) => setExit(await runDelete(io, clientId)));
}

function configOrExit(io: CliIo): Config | undefined {
  const loaded = loadConfig(io.env);
  if (loaded.ok) return loaded.config;
  for (const e of loaded.errors) io.stderr(`error: ${e.message}\n`);
  return undefined;
}

async function runCreate(io: CliIo, options: CreateOptions): Promise<number> {
  const json = options.json === true;
  const errors = [];
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
  if (options.name?.trim() === '')
    errors.push(issue('--name', 'invalid_argument', '--name must not be empty'));
  if (errors.length > 0) {
    reportErrors(errors, json, io);
    return ExitCode.usage;
  }
  const config = configOrExit(io);
  if (config === undefined) return ExitCode.usage;
  const now = io.now();
  const created = await createMachineClient(config, {
    tenant: options.tenant?.trim(),
    role: options.role as Role,
    name: options.name?.trim() ?? `created by rota clients create at ${formatInstant(now)}`,
    now,
  });
  if (json) {
    io.stdout(
      `${JSON.stringify({
        tenant_id: created.tenantId,
        client_id: created.client.client_id,
        client_secret: created.clientSecret,
      })}\n`,
    );
    return ExitCode.ok;
  }
  const tenant =
    created.tenantName === undefined
      ? created.tenantId
      : `${created.tenantName} (${created.tenantId})`;
  io.stdout(
    `${created.tenantCreated ? `Created tenant ${tenant}.\n` : ''}` +
      `Created ${created.client.role} client "${created.client.name}" in tenant ${tenant}.\n\n` +
      `  client_id      ${created.client.client_id}\n` +
      `  client_secret  ${created.clientSecret}\n\n` +
      'The secret is shown only this once; Rota keeps only its digest. Exchange both for a token:\n' +
      `  curl -u '${created.client.client_id}:<client_secret>' -d grant_type=client_credentials ${config.publicUrl}/oauth/token\n`,
  );
  return ExitCode.ok;
}

async function runList(io: CliIo, json: boolean): Promise<number> {
  const config = configOrExit(io);
  if (config === undefined) return ExitCode.usage;
  const clients = await machineClients(config);
  if (json) {
    io.stdout(
      `${JSON.stringify({
        clients: clients.map((c) => ({
          id: c.id,
          tenant_id: c.tenant_id,
          client_id: c.client_id,
          name: c.name,
          role: c.role,
          created_at: formatInstant(c.created_at),
        })),
      })}\n`,
    );
    return ExitCode.ok;
  }
  if (clients.length === 0) {
    io.stdout('No clients yet: create one with `rota clients create`.\n');
    return ExitCode.ok;
  }
  for (const c of clients)
    io.stdout(
      `${c.client_id}  ${c.role.padEnd(6)}  tenant ${c.tenant_id}  ${formatInstant(c.created_at)}  ${c.name}\n`,
    );
  return ExitCode.ok;
}

async function runDelete(io: CliIo, clientId: string): Promise<number> {
  const config = configOrExit(io);
  if (config === undefined) return ExitCode.usage;
  if (!(await deleteMachineClient(config, clientId))) {
    io.stderr(`error: no client has the id ${clientId}\n`);
    return ExitCode.failure;
  }
  io.stdout(`Deleted client ${clientId}; its tokens no longer verify.\n`);
  return ExitCode.ok;
}
