// `rota demo`: a project a newcomer can watch work. Three journeys walk a small shop that Rota
// serves itself (src/http/demo-site.ts), a test plan holds them, and a schedule ticks every minute
// and rotates through them, mailing a digest of each tick to the outbox. The shop's origin is allowed past the outbound guard by name, as an
// operator would allow their own agent host; the default policy stays as strict as it was.
import { parseCadence } from '../core/cadence-parse.ts';
import { compileCadence, nextFireTime } from '../core/next-fire-times.ts';
import type { Database } from '../storage/database.ts';
import { allowOrigin } from '../storage/outbound-origin-store.ts';

export const DEMO_PROJECT = 'Demo shop';

export interface DemoSetup {
  readonly created: boolean;
  readonly projectId: string;
  readonly scheduleId: string;
  readonly siteUrl: string;
  readonly nextFireAt: number | null;
}

/**
 * Every tick's digest, to an address no one reads: without ROTA_SMTP_URL it lands in the outbox
 * (GET /api/v1/outbox), where a newcomer sees what a digest looks like within the first minutes.
 */
export const DEMO_DIGEST = {
  enabled: true,
  recipients: ['team@example.com'],
  send: 'always',
  min_severity: null,
} as const;

const JOURNEYS = [
  {
    name: 'Browse the shop',
    description: 'A visitor opens the home page and sees the welcome banner.',
    steps: [{ name: 'home page', path: '', expect_text: 'Welcome to the demo shop' }],
  },
  {
    name: 'Fill the cart',
    description: 'A visitor adds a teapot to the cart and sees it there.',
    steps: [
      { name: 'product page', path: '/products/teapot', expect_text: 'Teapot' },
      { name: 'cart', path: '/cart', expect_text: 'Your cart', severity: 'medium' },
    ],
  },
  {
    name: 'Check out',
    description: 'A visitor pays. The demo payment page fails on odd minutes, to show findings.',
    steps: [{ name: 'payment', path: '/checkout', expect_text: 'Thank you', severity: 'critical' }],
  },
];

export async function setUpDemo(
  database: Database,
  options: {
    readonly tenantId: string;
    /** Where `rota serve` answers on this machine, e.g. http://127.0.0.1:8080. */
    readonly origin: string;
    readonly now: number;
    readonly newId: () => string;
  },
): Promise<DemoSetup> {
  const { tenantId, origin, now, newId } = options;
  const siteUrl = `${origin}/demo/shop`;
  await allowOrigin(database, { origin, note: 'rota demo: the demo shop', now });
  const existing = await database.db
    .selectFrom('projects')
    .innerJoin('schedules', 'schedules.project_id', 'projects.id')
    .select(['projects.id as projectId', 'schedules.id as scheduleId', 'schedules.next_fire_at'])
    .where('projects.tenant_id', '=', tenantId)
    .where('projects.name', '=', DEMO_PROJECT)
    .executeTakeFirst();
  if (existing !== undefined)
    return {
      created: false,
      projectId: existing.projectId,
      scheduleId: existing.scheduleId,
      siteUrl,
      nextFireAt: existing.next_fire_at,
    };

  const parsed = parseCadence(
    { type: 'cron', expression: '* * * * *', timezone: 'UTC' },
    { reference: now },
  );
  if (!parsed.ok) throw new Error(`the demo cadence is invalid: ${parsed.errors[0]?.message}`);
  const nextFireAt = nextFireTime(compileCadence(parsed.value), now)?.at ?? null;
  const stamp = { created_at: now, updated_at: now };
  const projectId = newId();
  const agentId = newId();
  const planId = newId();
  const scheduleId = newId();
  await database.write(async (trx) => {
    await trx
      .insertInto('projects')
      .values({ id: projectId, tenant_id: tenantId, name: DEMO_PROJECT, ...stamp })
      .execute();
    await trx
      .insertInto('agents')
      .values({
        id: agentId,
        tenant_id: tenantId,
        project_id: projectId,
        name: 'HTTP journey walker',
        kind: 'builtin',
        config: JSON.stringify({ builtin: 'http_journey' }),
        input_schema: null,
        output_schema: null,
        timeout_seconds: 60,
        version: 1,
        ...stamp,
      })
      .execute();
    await trx
      .insertInto('test_plans')
      .values({
        id: planId,
        tenant_id: tenantId,
        project_id: projectId,
        name: 'Smoke test',
        ...stamp,
      })
      .execute();
    await trx
      .insertInto('schedules')
      .values({
        id: scheduleId,
        tenant_id: tenantId,
        project_id: projectId,
        name: 'Demo shop, every minute',
        cadence: JSON.stringify(parsed.value),
        coverage_window_hours: 1,
        daily_budget: null,
        overlap_policy: 'skip',
        catchup_policy: 'latest',
        catchup_window_hours: 1,
        tick_deadline_minutes: 5,
        pause_after_failures: null,
        consecutive_failures: 0,
        enabled: 1,
        pause_note: null,
        digest_config: JSON.stringify(DEMO_DIGEST),
        owner_kind: 'client',
        owner_id: 'rota-demo',
        next_fire_at: nextFireAt,
        last_tick_at: null,
        ...stamp,
      })
      .execute();
    const targets: { kind: 'journey' | 'test_plan'; id: string }[] = [];
    for (const [position, journey] of JOURNEYS.entries()) {
      const journeyId = newId();
      targets.push({ kind: 'journey', id: journeyId });
      await trx
        .insertInto('journeys')
        .values({
          id: journeyId,
          tenant_id: tenantId,
          project_id: projectId,
          name: journey.name,
          description: journey.description,
          agent_id: agentId,
          inputs: JSON.stringify({
            base_url: `${siteUrl}/`,
            steps: journey.steps.map((step) => ({ ...step, path: `.${step.path || '/'}` })),
          }),
          ...stamp,
        })
        .execute();
      await trx
        .insertInto('test_plan_journeys')
        .values({ test_plan_id: planId, journey_id: journeyId, position })
        .execute();
    }
    targets.push({ kind: 'test_plan', id: planId });
    for (const target of targets) {
      await trx
        .insertInto('schedule_items')
        .values({
          id: newId(),
          tenant_id: tenantId,
          schedule_id: scheduleId,
          target_kind: target.kind,
          target_id: target.id,
          priority: target.kind === 'test_plan' ? 10 : 0,
          parameters: '{}',
          enabled: 1,
          last_run_at: null,
          ...stamp,
        })
        .execute();
    }
  });
  return { created: true, projectId, scheduleId, siteUrl, nextFireAt };
}
