// GET /api/v1/runs/{id}/events (SPEC section 6): a run's progress as Server-Sent Events, live
// while it runs: `run` whenever its status changes, `step` whenever a step's does, `log` for every
// new log line, `finding` for every new finding, then `end` with the final run, and the stream
// closes. It reads the run every half second (any replica's worker may be running it), sends a
// comment line in between so proxies keep the connection, and stops at a bound.
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParams } from '../../contract/common.ts';
import type { ApiDeps } from '../api-deps.ts';
import { principalOf } from '../authentication.ts';
import { notFound } from '../problem.ts';
import { problems } from '../responses.ts';
import { runDetailView } from '../run-views.ts';

const POLL_MS = 500;
/** A stream ends after this long even if the run has not (the client may reconnect). */
const MAX_STREAM_MS = 15 * 60_000;
const ENDED = new Set(['completed', 'failed', 'cancelled']);

type Detail = ReturnType<typeof runDetailView>;

/** The run without its steps and findings (those have events of their own). */
const runOnly = (detail: Detail) =>
  Object.fromEntries(Object.entries(detail).filter(([k]) => k !== 'steps' && k !== 'findings'));

/** The events that take a stream from what it last sent to `next`. */
export function runEvents(
  previous: Detail | undefined,
  next: Detail,
): { event: string; data: unknown }[] {
  const events: { event: string; data: unknown }[] = [];
  const { steps, findings } = next;
  const run = runOnly(next);
  if (
    previous === undefined ||
    previous.status !== next.status ||
    previous.attempt !== next.attempt
  )
    events.push({ event: 'run', data: run });
  for (const step of steps) {
    const before = previous?.steps.find((s) => s.id === step.id);
    const { logs, ...summary } = step;
    if (before === undefined || before.status !== step.status)
      events.push({ event: 'step', data: summary });
    for (const line of logs.slice(before?.logs.length ?? 0))
      events.push({ event: 'log', data: { step_id: step.id, ...line } });
  }
  for (const finding of findings.slice(previous?.findings.length ?? 0))
    events.push({ event: 'finding', data: finding });
  return events;
}

export const runEventRoutes: FastifyPluginCallbackZod<ApiDeps> = (app, deps, done) => {
  app.get(
    '/runs/:id/events',
    {
      schema: {
        tags: ['runs'],
        operationId: 'streamRunEvents',
        summary: 'Follow a run live: Server-Sent Events (run, step, log, finding, end)',
        params: IdParams,
        response: {
          200: {
            description: 'A text/event-stream of the run’s progress, ending with `end`.',
            content: { 'text/event-stream': { schema: z.string() } },
          },
          ...problems(404),
        },
      },
    },
    async (request, reply) => {
      const { tenantId } = principalOf(request);
      const read = async () => {
        const found = await deps.stores.runs.detail(tenantId, request.params.id);
        return found === undefined ? undefined : runDetailView(found);
      };
      let current = await read();
      if (current === undefined) throw notFound('run');
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      let open = true;
      request.raw.on('close', () => (open = false));
      const send = (events: { event: string; data: unknown }[]) => {
        for (const { event, data } of events)
          raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      send(runEvents(undefined, current));
      const started = Date.now();
      try {
        while (open && !ENDED.has(current.status) && Date.now() - started < MAX_STREAM_MS) {
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
          const next = await read();
          if (next === undefined) break;
          const events = runEvents(current, next);
          if (events.length > 0) send(events);
          else raw.write(': waiting\n\n');
          current = next;
        }
        if (open) send([{ event: 'end', data: runOnly(current) }]);
      } catch (error) {
        // The stream has begun: an error can only end it, saying so.
        request.log.warn({ err: error }, 'a run event stream failed');
        if (open) send([{ event: 'error', data: { code: 'internal' } }]);
      }
      raw.end();
    },
  );
  done();
};
