// What the OpenAPI document tells a generated client or a stateful fuzzer beyond the schemas:
// links from each create to the operations on what it made (followed here against a live API),
// patterns for every header parameter, and `oneOf` where a body takes exactly one of two fields.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
import { apiHarness, seedProject, type ApiHarness } from './api-harness.ts';

interface Link {
  operationId: string;
  parameters: Record<string, string>;
}
interface Operation {
  operationId: string;
  parameters?: { in: string; name: string; schema: { pattern?: string } }[];
  responses: Record<string, { links?: Record<string, Link> }>;
}
type Paths = Record<string, Record<string, Operation>>;

const document = JSON.parse(readFileSync('docs/openapi.json', 'utf8')) as {
  paths: Paths;
  components: { schemas: Record<string, { oneOf?: unknown }> };
};
const operations = Object.entries(document.paths).flatMap(([path, byMethod]) =>
  Object.entries(byMethod).map(([method, operation]) => ({ path, method, operation })),
);
const byId = new Map(operations.map((o) => [o.operation.operationId, o]));
const creates = operations.filter((o) => o.operation.responses['201'] !== undefined);

describe('the OpenAPI document', () => {
  it('links every create to the read of what it made, and only to operations it has', () => {
    expect(creates.length).toBeGreaterThanOrEqual(9);
    for (const { path, operation } of creates) {
      const links = Object.values(operation.responses['201']?.links ?? {});
      expect(links.length, `POST ${path}`).toBeGreaterThan(0);
      for (const link of links) expect(byId.has(link.operationId), link.operationId).toBe(true);
      // Clients are shown once and never read back; everything else can be.
      if (path !== '/api/v1/clients')
        expect(
          links.some((l) => byId.get(l.operationId)?.method === 'get'),
          `POST ${path} links a read`,
        ).toBe(true);
    }
  });

  it('gives every header parameter a pattern', () => {
    const headers = operations.flatMap(({ path, method, operation }) =>
      (operation.parameters ?? [])
        .filter((p) => p.in === 'header')
        .map((p) => ({ where: `${method} ${path} ${p.name}`, pattern: p.schema.pattern })),
    );
    expect(headers.map((h) => h.where)).toContain('post /api/v1/schedules idempotency-key');
    expect(headers.map((h) => h.where)).toContain('patch /api/v1/schedules/{id} if-match');
    for (const header of headers) expect(header.pattern, header.where).toEqual(expect.any(String));
  });

  it('says a schedule item takes exactly one of journey_id and test_plan_id', () => {
    expect(document.components.schemas.ScheduleItemCreateInput?.oneOf).toEqual([
      { required: ['journey_id'] },
      { required: ['test_plan_id'] },
    ]);
  });
});

describeEachDatabase('following the links of a create', (fresh) => {
  let db: TestDatabase | undefined;
  let api: ApiHarness | undefined;
  afterEach(async () => {
    await api?.close();
    await db?.dispose();
    api = db = undefined;
  });

  /** The URL a link names, filled in from the create's request path and answer. */
  function follow(link: Link, requestPath: Record<string, string>, answer: { id: string }) {
    const target = byId.get(link.operationId)!;
    let url = target.path;
    for (const [name, expression] of Object.entries(link.parameters)) {
      const value =
        expression === '$response.body#/id'
          ? answer.id
          : requestPath[expression.replace('$request.path.', '')];
      url = url.replace(`{${name}}`, value ?? '');
    }
    return { url, method: target.method };
  }

  it('reaches what a create made through the read its answer links to', async () => {
    db = await fresh();
    api = await apiHarness(db.database);
    const shop = await seedProject(api.alice);
    const schedule = (
      await api.alice.request('POST', '/api/v1/schedules', {
        project_id: shop.project.id,
        name: 'Nightly',
      })
    ).json();
    const item = (
      await api.alice.request('POST', `/api/v1/schedules/${schedule.id}/items`, {
        journey_id: shop.browse.id,
      })
    ).json();
    const made: { create: string; path: Record<string, string>; answer: { id: string } }[] = [
      { create: 'createProject', path: {}, answer: shop.project },
      { create: 'createJourney', path: {}, answer: shop.browse },
      { create: 'createTestPlan', path: {}, answer: shop.plan },
      { create: 'createSchedule', path: {}, answer: schedule },
      { create: 'addScheduleItem', path: { id: schedule.id }, answer: item },
    ];
    for (const { create, path, answer } of made) {
      const links = Object.values(byId.get(create)!.operation.responses['201']?.links ?? {});
      const read = links.find((l) => byId.get(l.operationId)?.method === 'get')!;
      const { url } = follow(read, path, answer);
      const response = await api.alice.request('GET', url);
      expect(response.statusCode, `${create} → GET ${url}`).toBe(200);
      expect(response.json().id).toBe(answer.id);
    }
  });
});
