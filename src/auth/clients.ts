// Machine clients of a tenant (SPEC section 7): created by an admin or `rota clients create`,
// listed without their secrets, deleted to revoke them. Deleting one makes its tokens stop
// verifying at once, because verification looks the client up (token-service.ts).
import type { Role } from '../core/principal.ts';
import {
  deleteClient,
  findClient,
  insertClient,
  listClients,
  type ClientSummary,
} from '../storage/client-store.ts';
import type { Database } from '../storage/database.ts';
import { newClientCredentials, secretDigest } from './client-credentials.ts';

export type { ClientSummary } from '../storage/client-store.ts';

export interface NewClient {
  readonly client: ClientSummary;
  /** Shown once to whoever created the client; Rota keeps only its digest. */
  readonly clientSecret: string;
}

export async function createClient(
  database: Database,
  request: {
    readonly tenantId: string;
    readonly role: Role;
    readonly name: string;
    /** The row's id (a UUIDv7 from the caller's clock). */
    readonly id: string;
    readonly now: number;
  },
): Promise<NewClient> {
  const { clientId, clientSecret } = newClientCredentials();
  const client: ClientSummary = {
    id: request.id,
    tenant_id: request.tenantId,
    client_id: clientId,
    name: request.name,
    role: request.role,
    created_at: request.now,
    updated_at: request.now,
  };
  await insertClient(database, { ...client, secret_digest: secretDigest(clientSecret) });
  return { client, clientSecret };
}

/** A tenant's clients, or every tenant's when `tenantId` is undefined (operator commands). */
export const clientsOf = (database: Database, tenantId: string | undefined) =>
  listClients(database, tenantId);

/** Revokes a tenant's client; false when the tenant has no client with this id. */
export const revokeClient = (database: Database, tenantId: string, id: string) =>
  deleteClient(database, tenantId, id);

/** What `GET|POST /api/v1/clients` and `DELETE /api/v1/clients/{id}` need, always by tenant. */
export interface ClientAdmin {
  create(
    tenantId: string,
    request: { readonly role: Role; readonly name: string },
  ): Promise<NewClient>;
  list(tenantId: string): Promise<ClientSummary[]>;
  get(tenantId: string, id: string): Promise<ClientSummary | undefined>;
  /** False when the tenant has no such client (a 404). */
  remove(tenantId: string, id: string): Promise<boolean>;
}

export function clientAdmin(
  database: Database,
  clock: { readonly now: () => number; readonly newId: () => string },
): ClientAdmin {
  return {
    create: (tenantId, { role, name }) =>
      createClient(database, { tenantId, role, name, id: clock.newId(), now: clock.now() }),
    list: (tenantId) => listClients(database, tenantId),
    get: (tenantId, id) => findClient(database, tenantId, id),
    remove: (tenantId, id) => deleteClient(database, tenantId, id),
  };
}
