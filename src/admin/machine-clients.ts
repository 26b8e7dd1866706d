// `rota clients create|list|delete`: machine clients straight in the configured database, no
// server needed (SPEC section 10's bootstrap commands), through the auth service.
import { createClient, clientsOf, type ClientSummary } from '../auth/clients.ts';
import type { Config } from '../config.ts';
import type { Role as ClientRole } from '../core/principal.ts';
import { deleteClientByClientId } from '../storage/client-store.ts';
import { migrateToLatest } from '../storage/migrate.ts';
import { uuidv7 } from '../storage/new-id.ts';
import { ensureDefaultTenant, ensureTenantNamed } from '../storage/tenant-store.ts';
import { withConfiguredDatabase } from '../serve/configured-database.ts';

export interface CreatedClient {
  readonly tenantId: string;
  readonly tenantName: string | undefined;
  /** True when this call created the tenant. */
  readonly tenantCreated: boolean;
  readonly client: ClientSummary;
  readonly clientSecret: string;
}

/**
 * A machine client in the configured database. The tenant is `tenant` by name, created when
 * missing, or else the installation's first tenant (the default one, created on an empty
 * database as `serve` would).
 */
export function createMachineClient(
  config: Config,
  request: {
    readonly tenant: string | undefined;
    readonly role: ClientRole;
    readonly name: string;
    readonly now: number;
  },
): Promise<CreatedClient> {
  return withConfiguredDatabase(config, async (database) => {
    const newId = () => uuidv7(request.now);
    await migrateToLatest(database);
    const candidate = { id: newId(), now: request.now };
    const tenant =
      request.tenant === undefined
        ? await ensureDefaultTenant(database, candidate)
        : await ensureTenantNamed(database, request.tenant, candidate);
    const { client, clientSecret } = await createClient(database, {
      tenantId: tenant.id,
      role: request.role,
      name: request.name,
      id: newId(),
      now: request.now,
    });
    return {
      tenantId: tenant.id,
      tenantName: request.tenant,
      tenantCreated: tenant.created,
      client,
      clientSecret,
    };
  });
}

/** Every tenant's clients, without secrets. */
export function machineClients(config: Config): Promise<ClientSummary[]> {
  return withConfiguredDatabase(config, async (database) => {
    await migrateToLatest(database);
    return clientsOf(database, undefined);
  });
}

/** Revokes a client; false when there is none with that id. */
export function deleteMachineClient(config: Config, clientId: string): Promise<boolean> {
  return withConfiguredDatabase(config, async (database) => {
    await migrateToLatest(database);
    return deleteClientByClientId(database, clientId);
  });
}
