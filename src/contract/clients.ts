// OAuth machine clients of a tenant (SPEC section 7): admins create them, see them without their
// secrets, and delete them to revoke them. The secret appears once, in the answer to the create.
import { z } from 'zod';
import { Id, Name, Timestamps } from './common.ts';

export const ClientRole = z.enum(['admin', 'member']);

export const ClientCreate = z
  .object({
    name: Name.describe('What the client is for, e.g. "CI pipeline".'),
    role: ClientRole.default('member').describe('What its tokens may do; default member.'),
  })
  .strict()
  .meta({ id: 'ClientCreate' });

export const Client = z
  .object({
    id: Id,
    client_id: z.string().describe('The public half of the credentials: `rc_…`.'),
    name: z.string(),
    role: ClientRole,
    ...Timestamps,
  })
  .meta({ id: 'Client' });

export const ClientCreated = Client.extend({
  client_secret: z
    .string()
    .describe('The secret half: shown in this answer only; Rota keeps just its digest.'),
}).meta({ id: 'ClientCreated' });
