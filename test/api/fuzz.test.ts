// A fast-check fuzz over the OpenAPI document: for every operation the API publishes, requests
// built from the operation's own schemas (and mangled: wrong types, extra fields, odd strings, ids
// of nothing) are sent with a valid token. Whatever comes in, the answer is never a 500, and every
// error is problem+json (SPEC section 6: "never a 500 for anything a client sent").
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rateLimits } from '../../src/http/rate-limit.ts';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
import { apiHarness, seedProject, type ApiHarness } from './api-harness.ts';

type Schema = Record<string, unknown>;
type Document = {
  paths: Record<string, Record<string, Schema>>;
  components?: { schemas?: Record<string, Schema> };
};

const RUNS_PER_OPERATION = 40;
const MAX_DEPTH = 4;

/** Values shaped by a JSON Schema most of the time, and anything at all the rest. */
function valueFor(
  schema: Schema | undefined,
  document: Document,
  depth = 0,
): fc.Arbitrary<unknown> {
  const wild = fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.string(),
    fc.constantFrom('', '\u0000', '\ud800', "'; drop table runs; --", 'x'.repeat(300), '__proto__'),
  );
  if (schema === undefined || depth > MAX_DEPTH) return wild;
  const ref = schema.$ref;
  if (typeof ref === 'string') {
    const name = ref.split('/').at(-1) ?? '';
    return valueFor(document.components?.schemas?.[name], document, depth + 1);
  }
  const choices = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (choices !== undefined)
    return fc.oneof(...choices.map((c) => valueFor(c, document, depth + 1)), wild);
  if (Array.isArray(schema.enum))
    return fc.oneof(fc.constantFrom(...(schema.enum as unknown[])), wild);
  if ('const' in schema) return fc.oneof(fc.constant(schema.const), wild);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const shaped = fc.record(
        Object.fromEntries(
          Object.entries(properties).map(([k, v]) => [k, valueFor(v, document, depth + 1)]),
        ),
        { requiredKeys: [] },
      );
      return fc.oneof(
        { weight: 4, arbitrary: shaped },
        {
          weight: 1,
          arbitrary: fc
            .tuple(shaped, fc.dictionary(fc.string(), wild))
            .map(([a, b]) => ({ ...b, ...a })),
        },
        { weight: 1, arbitrary: wild },
      );
    }
    case 'array':
      return fc.oneof(
        fc.array(valueFor(schema.items as Schema | undefined, document, depth + 1), {
          maxLength: 4,
        }),
        wild,
      );
    case 'string':
      return fc.oneof(
        fc.uuid(),
        fc.string(),
        fc.constantFrom(
          '09:00',
          '2027-03-14T02:30:00Z',
          'Europe/Berlin',
          'Mars/Olympus',
          '*/5 * * * *',
        ),
        wild,
      );
    case 'integer':
      return fc.oneof(fc.integer({ min: -200, max: 10_000 }), fc.integer(), wild);
    case 'number':
      return fc.oneof(fc.double(), wild);
    case 'boolean':
      return fc.oneof(fc.boolean(), wild);
    default:
      return wild;
  }
}

describeEachDatabase('the API under fuzzed requests', (fresh) => {
  let db: TestDatabase;
  let api: ApiHarness;
  let ids: string[];
  beforeAll(async () => {
    db = await fresh();
    // The rate limits would answer most of a fuzz with 429: lift them, so requests reach routes.
    api = await apiHarness(db.database, { rateLimits: rateLimits(1_000_000, 1_000_000) });
    const shop = await seedProject(api.admin);
    const schedule = (
      await api.admin.request('POST', '/api/v1/schedules', {
        project_id: shop.project.id,
        name: 's',
      })
    ).json();
    // Real ids of this tenant (so some requests get past the lookup), beside ids of nothing.
    ids = [shop.project.id, shop.agent.id, shop.browse.id, shop.plan.id, schedule.id];
  });
  afterAll(async () => {
    await api.close();
    await db.dispose();
  });

  it('never answers 500, and answers every error as problem+json', async () => {
    const document = (
      await api.app.inject({ method: 'GET', url: '/api/openapi.json' })
    ).json<Document>();
    const statuses = new Map<number, number>();
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
    );
    expect(operations.length).toBeGreaterThan(30);
    for (const { path, method, operation } of operations) {
      const body = (operation.requestBody as { content?: Record<string, { schema?: Schema }> })
        ?.content?.['application/json']?.schema;
      const query = (
        (operation.parameters ?? []) as { in: string; name: string; schema?: Schema }[]
      ).filter((p) => p.in === 'query');
      const request = fc.record({
        pathIds: fc.array(
          fc.oneof(fc.constantFrom(...ids), fc.uuid(), fc.string({ maxLength: 40 })),
          {
            minLength: 2,
            maxLength: 2,
          },
        ),
        query: fc.record(
          Object.fromEntries(query.map((p) => [p.name, valueFor(p.schema, document)])),
          { requiredKeys: [] },
        ),
        body: body === undefined ? fc.constant(undefined) : valueFor(body, document),
      });
      await fc.assert(
        fc.asyncProperty(request, async ({ pathIds, query: q, body: payload }) => {
          let n = 0;
          const url = path.replace(/\{[^}]+\}/g, () =>
            encodeURIComponent(String(pathIds[n++] ?? '')),
          );
          const search = new URLSearchParams(
            Object.entries(q).map(([k, v]): [string, string] => [
              k,
              typeof v === 'string' ? v : JSON.stringify(v),
            ]),
          ).toString();
          const response = await api.admin.request(
            method.toUpperCase() as 'GET',
            search === '' ? url : `${url}?${search}`,
            payload === undefined ? undefined : JSON.stringify(payload),
            payload === undefined ? {} : { 'content-type': 'application/json' },
          );
          const where = `${method.toUpperCase()} ${url} ${JSON.stringify(payload)?.slice(0, 200)}`;
          statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
          expect(response.statusCode, where).toBeLessThan(500);
          if (response.statusCode >= 400)
            expect(response.headers['content-type'], where).toContain('application/problem+json');
        }),
        { numRuns: RUNS_PER_OPERATION, seed: 20261130, endOnFailure: true },
      );
    }
    // The fuzz reached the routes: some requests were carried out, most were refused for cause.
    expect(statuses.get(429)).toBeUndefined();
    expect([...statuses.keys()].some((status) => status < 300)).toBe(true);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(50);
  }, 300_000);
});
