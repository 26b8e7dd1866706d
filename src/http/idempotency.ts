// `Idempotency-Key` on POSTs that create or trigger (SPEC section 6, ADR 15): the request takes the
// key before its route runs; its 2xx answer is stored per tenant and key, any other answer lets the
// key go. The same request again replays the answer; while the first still runs, it is a 409
// `idempotency_key_in_progress`; another request with the key is a 409 `idempotency_key_reused`.
// Keys last a day. Routes opt in with `config: { idempotent: true }`.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { IDEMPOTENCY_KEY_PATTERN } from '../contract/common.ts';
import { IDEMPOTENCY_IN_PROGRESS } from '../core/idempotency-keys.ts';
import { issue } from '../core/validation-issue.ts';
import type { IdempotencyClaim, IdempotencyPort } from './ports.ts';
import { ApiError } from './problem.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    idempotent?: boolean;
  }
}

const KEY = new RegExp(IDEMPOTENCY_KEY_PATTERN);
const held = new WeakMap<FastifyRequest, { tenantId: string; claim: IdempotencyClaim }>();

export function registerIdempotency(
  app: FastifyInstance,
  store: IdempotencyPort,
  now: () => number,
): void {
  app.addHook('preHandler', async (request, reply) => {
    const header = request.headers['idempotency-key'];
    if (header === undefined || request.routeOptions.config.idempotent !== true) return;
    const key = Array.isArray(header) ? header.join(',') : header;
    if (!KEY.test(key))
      throw new ApiError(
        400,
        'invalid_value',
        'Idempotency-Key is 1 to 255 visible ASCII characters.',
        {
          errors: [issue('/headers/idempotency-key', 'invalid_value', 'Not a valid key.')],
        },
      );
    const tenantId = request.principal?.tenantId;
    if (tenantId === undefined) return;
    const fingerprint = createHash('sha256')
      .update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`)
      .digest('base64url');
    const outcome = await store.claim(tenantId, { key, fingerprint }, now());
    if (outcome.taken) {
      held.set(request, { tenantId, claim: outcome.claim });
      return;
    }
    const earlier = outcome.held;
    if (earlier.fingerprint !== fingerprint)
      throw new ApiError(
        409,
        'idempotency_key_reused',
        'This Idempotency-Key was used for a different request; use a new key.',
      );
    // Answering at once, rather than waiting for the first request, keeps no connection parked.
    if (earlier.status === IDEMPOTENCY_IN_PROGRESS)
      throw new ApiError(
        409,
        'idempotency_key_in_progress',
        'A request with this Idempotency-Key is still running; retry shortly to get its answer.',
        { headers: { 'retry-after': '1' } },
      );
    return reply
      .code(earlier.status)
      .header('idempotent-replayed', 'true')
      .type('application/json; charset=utf-8')
      .send(earlier.body);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const entry = held.get(request);
    if (entry === undefined) return payload;
    held.delete(request);
    if (reply.statusCode >= 200 && reply.statusCode < 300 && typeof payload === 'string')
      await store.save(entry.tenantId, entry.claim, { status: reply.statusCode, body: payload });
    // A failed request (or one with nothing to replay) lets the key go: a retry runs afresh.
    else await store.release(entry.tenantId, entry.claim);
    return payload;
  });
}
