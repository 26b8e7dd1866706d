// `Idempotency-Key` on POSTs that create or trigger (SPEC section 6): the first 2xx answer is
// stored per tenant and key; the same request again replays it, another request with the same key
// is a 409 (ADR 15). Routes opt in with `config: { idempotent: true }`.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { issue } from '../core/validation-issue.ts';
import type { IdempotencyPort } from './ports.ts';
import { ApiError } from './problem.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    idempotent?: boolean;
  }
}

const KEY = /^[\x21-\x7e]{1,255}$/;
const pending = new WeakMap<FastifyRequest, { key: string; fingerprint: string }>();

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
    const earlier = await store.find(tenantId, key);
    if (earlier === undefined) {
      pending.set(request, { key, fingerprint });
      return;
    }
    if (earlier.fingerprint !== fingerprint)
      throw new ApiError(
        409,
        'idempotency_key_reused',
        'This Idempotency-Key was used for a different request; use a new key.',
      );
    return reply
      .code(earlier.status)
      .header('idempotent-replayed', 'true')
      .type('application/json; charset=utf-8')
      .send(earlier.body);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const entry = pending.get(request);
    const tenantId = request.principal?.tenantId;
    if (entry === undefined || tenantId === undefined) return payload;
    pending.delete(request);
    if (reply.statusCode >= 200 && reply.statusCode < 300 && typeof payload === 'string')
      await store.save(tenantId, {
        ...entry,
        status: reply.statusCode,
        body: payload,
        created_at: now(),
      });
    return payload;
  });
}
