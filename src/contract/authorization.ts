// A user's authorisation of Rota (SPEC section 7, seed 1 "Authorize"): what the UI shows next to
// the Authorize button, and where the button opens its popup.
import { z } from 'zod';
import { AUTHORIZATION_STATUSES } from '../core/grant-status.ts';

export const Authorization = z
  .object({
    status: z
      .enum(AUTHORIZATION_STATUSES as [string, ...string[]])
      .describe(
        '`unavailable` until an admin registered scheduling for the organisation; `none` before the first grant; else the latest grant’s state.',
      ),
    expires_at: z
      .string()
      .nullable()
      .describe('When the grant ends (fixed when it was made; re-authorising makes a new one).'),
    scopes: z.array(z.string()).describe('What the grant lets Rota do for the user.'),
    authorize_url: z
      .string()
      .describe(
        'Where the Authorize popup opens: Rota’s start endpoint, which sends on to consent.',
      ),
  })
  .meta({ id: 'Authorization' });
