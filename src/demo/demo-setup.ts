// `rota demo`: a project a newcomer can watch work. Three journeys walk a small shop that Rota
// serves itself (src/http/demo-site.ts), a test plan holds them, and a schedule ticks every minute
// and rotates through them, mailing a digest of each tick to the outbox. The shop's origin is
// allowed past the outbound guard by name, as an operator would allow their own agent host; the
// default policy stays as strict as it was. Everything is made through the stores the API uses,
// after the core's checks the API makes, so the demo obeys the rules API-made data obeys.
import { checkCalleeConfig, type SecretSeal } from '../core/callee-config.ts';
import { parseDigestConfig } from '../core/digest-config.ts';
import { compileCadence, nextFireTime } from '../core/next-fire-times.ts';
import type { Cadence } from '../core/cadence.ts';
import { resolveScheduleCadence } from '../core/schedule-cadence.ts';
import type { Parsed, ValidationIssue } from '../core/validation-issue.ts';
import { apiStores } from '../storage/api-stores.ts';
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

/** The demo's agent is built in and sends no header values: there is nothing to seal. */
const NOTHING_TO_SEAL: SecretSeal = {
  seal: () => {
    throw new Error('the demo registers no header values to seal');
  },
  open: () => {
    throw new Error('the demo reads no sealed header values');
  },
  isSealed: () => false,
};

/** The demo's own data breaking a rule the API holds is a bug in this file: say which. */
function refuse(what: string, issues: readonly ValidationIssue[]): never {
  const first = issues[0];
  throw new Error(`the demo ${what} is invalid: ${first?.field ?? ''} ${first?.message ?? ''}`);
}

const valid = <T>(what: string, parsed: Parsed<T>): T =>
  parsed.ok ? parsed.value : refuse(what, parsed.errors);

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
  const stores = apiStores(database, NOTHING_TO_SEAL);
  await allowOrigin(database, { origin, note: 'rota demo: the demo shop', now });
  for (const project of await stores.projects.named(tenantId, DEMO_PROJECT)) {
    const [schedule] = await stores.schedules.list(
      tenantId,
      { projectId: project.id },
      { after: undefined, limit: 1 },
    );
    if (schedule !== undefined)
      return {
        created: false,
        projectId: project.id,
        scheduleId: schedule.id,
        siteUrl,
        nextFireAt: schedule.next_fire_at,
      };
  }

  const cadence: Cadence = valid(
    'cadence',
    resolveScheduleCadence(
      { cadence: { type: 'cron', expression: '* * * * *', timezone: 'UTC' } },
      now,
    ),
  );
  valid('digest_config', parseDigestConfig(DEMO_DIGEST));
  const agentConfig = { builtin: 'http_journey' };
  const configIssues = checkCalleeConfig('agent', 'builtin', agentConfig);
  if (configIssues.length > 0) refuse('agent', configIssues);
  const nextFireAt = nextFireTime(compileCadence(cadence), now)?.at ?? null;
  const stamp = { created_at: now, updated_at: now };
  // A first version of each: the ETag of what the demo made (ADR 45).
  const revised = { ...stamp, revision: 1 };

  const projectId = newId();
  await stores.projects.create(tenantId, { id: projectId, name: DEMO_PROJECT, ...stamp });
  const agentId = newId();
  await stores.agents.create(tenantId, {
    id: agentId,
    project_id: projectId,
    name: 'HTTP journey walker',
    kind: 'builtin',
    config: agentConfig,
    input_schema: null,
    output_schema: null,
    timeout_seconds: 60,
    version: 1,
    ...revised,
  });
  const journeyIds: string[] = [];
  for (const journey of JOURNEYS) {
    const journeyId = newId();
    journeyIds.push(journeyId);
    await stores.journeys.create(tenantId, {
      id: journeyId,
      project_id: projectId,
      name: journey.name,
      description: journey.description,
      agent_id: agentId,
      inputs: {
        base_url: `${siteUrl}/`,
        steps: journey.steps.map((step) => ({ ...step, path: `.${step.path || '/'}` })),
      },
      ...revised,
    });
  }
  const planId = newId();
  await stores.testPlans.create(tenantId, {
    id: planId,
    project_id: projectId,
    name: 'Smoke test',
    journey_ids: journeyIds,
    ...revised,
  });
  const scheduleId = newId();
  await stores.schedules.create(tenantId, {
    id: scheduleId,
    project_id: projectId,
    name: 'Demo shop, every minute',
    cadence,
    coverage_window_hours: 1,
    daily_budget: null,
    digest_config: DEMO_DIGEST,
    overlap_policy: 'skip',
    catchup_policy: 'latest',
    catchup_window_hours: 1,
    tick_deadline_minutes: 5,
    pause_after_failures: null,
    enabled: true,
    pause_note: null,
    owner_kind: 'client',
    owner_id: 'rota-demo',
    next_fire_at: nextFireAt,
    last_tick_at: null,
    ...revised,
  });
  const targets = [
    ...journeyIds.map((id) => ({ kind: 'journey' as const, id, priority: 0 })),
    // The test plan first: the first tick runs all three journeys at once.
    { kind: 'test_plan' as const, id: planId, priority: 10 },
  ];
  for (const target of targets) {
    const added = await stores.schedules.addItem(tenantId, {
      id: newId(),
      schedule_id: scheduleId,
      target_kind: target.kind,
      target_id: target.id,
      priority: target.priority,
      parameters: {},
      enabled: true,
      last_run_at: null,
      ...revised,
    });
    if (added === 'duplicate') throw new Error(`the demo schedule has ${target.id} twice`);
  }
  return { created: true, projectId, scheduleId, siteUrl, nextFireAt };
}
