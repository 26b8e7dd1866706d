// Turns what the store read about a tick into what its digest says (digest-model.ts): names for
// ids, labels for codes, times in the schedule's zone, findings filtered by min_severity and
// grouped by severity, skipped items with their reason, and the items most overdue.
import { MS_PER_HOUR } from '../core/civil-date.ts';
import { atOrAbove, SEVERITIES, SEVERITY_LABELS, type Severity } from '../core/finding-severity.ts';
import { RUN_STATUS_LABELS } from '../core/run-state.ts';
import type { DigestSource } from '../core/digest-records.ts';
import { digestAuthorization } from './digest-authorization.ts';
import type { DigestModel, DigestOverdueItem, DigestRun } from './digest-model.ts';
import { formatDuration, formatLongLocalTime, formatShortLocalTime } from './local-time.ts';

export interface DigestModelOptions {
  /** ROTA_PUBLIC_URL: links in the digest point here. */
  readonly publicUrl: string;
  readonly minSeverity: Severity | null;
  readonly notice: string | null;
}

/** How many of the most overdue items a digest lists. */
export const OVERDUE_LISTED = 5;

const TRIGGER_LABELS: Readonly<Record<string, string>> = {
  schedule: 'Scheduled',
  catchup: 'Catch-up',
  manual: 'Manual trigger',
};

const OUTCOME_LABELS: Readonly<Record<string, string>> = {
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
  skipped: 'Skipped: no run started',
};

const SKIP_LABELS: Readonly<Record<string, string>> = {
  budget: 'per-tick budget reached',
  tenant_budget: 'the tenant’s daily agent budget was used up',
  overlap: 'its previous run was still going',
  invalid_target: 'its target is missing or does not validate',
  authorization_required: 'the schedule owner has not authorised Rota',
  authorization_expired: 'the schedule owner’s authorisation expired',
};

const KIND_LABELS: Readonly<Record<string, string>> = {
  journey: 'journey',
  test_plan: 'test plan',
  flow: 'flow',
};

export function buildDigestModel(source: DigestSource, options: DigestModelOptions): DigestModel {
  const base = options.publicUrl.replace(/\/+$/, '');
  const link = (kind: string, id: string) => `${base}/${kind}/${encodeURIComponent(id)}`;
  const { tick, schedule } = source;
  const timeZone = cadenceTimeZone(schedule.cadence);
  const targetName = (kind: string, id: string) =>
    source.targetNames.get(id) ?? `${KIND_LABELS[kind] ?? kind} ${id.slice(0, 8)}`;
  const itemsById = new Map(source.items.map((item) => [item.id, item]));

  const findingsByRun = new Map<string, number>();
  for (const f of source.findings)
    findingsByRun.set(f.run_id, (findingsByRun.get(f.run_id) ?? 0) + 1);
  const runTargets = new Map(
    source.runs.map((r) => [r.id, targetName(r.target_kind, r.target_id)]),
  );

  const runs: DigestRun[] = source.runs.map((run) => ({
    id: run.id,
    url: link('runs', run.id),
    target: runTargets.get(run.id) ?? run.target_id,
    status: run.status,
    statusLabel: RUN_STATUS_LABELS[run.status],
    error:
      run.status === 'completed' || run.error_code === null
        ? null
        : `${run.error_code}: ${run.error_message ?? ''}`.replace(/: $/, ''),
    agentsSpawned: run.agents_spawned,
    duration:
      run.started_at !== null && run.finished_at !== null
        ? formatDuration(run.finished_at - run.started_at)
        : null,
    findings: findingsByRun.get(run.id) ?? 0,
  }));

  const shown = source.findings.filter((f) => atOrAbove(f.severity, options.minSeverity));
  const findings = SEVERITIES.map((severity) => ({
    severity,
    label: SEVERITY_LABELS[severity],
    findings: shown
      .filter((f) => f.severity === severity)
      .map((f) => ({
        title: f.title,
        detail: f.detail,
        target: runTargets.get(f.run_id) ?? '',
        runUrl: link('runs', f.run_id),
      })),
  })).filter((group) => group.findings.length > 0);

  const skipped = source.decisions
    .filter((d) => d.outcome === 'skipped')
    .sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || (a.item_id < b.item_id ? -1 : 1))
    .map((d) => {
      const item = itemsById.get(d.item_id);
      return {
        target:
          item === undefined
            ? `item ${d.item_id.slice(0, 8)}`
            : targetName(item.target_kind, item.target_id),
        reason: SKIP_LABELS[d.reason ?? ''] ?? d.reason ?? 'skipped',
      };
    });

  const count = (status: DigestRun['status']) => runs.filter((r) => r.status === status).length;
  const scheduleUrl = link('schedules', schedule.id);
  return {
    schedule: { name: schedule.name, url: scheduleUrl },
    project: source.projectName,
    tick: {
      time: formatLongLocalTime(tick.fire_time, timeZone),
      shortTime: formatShortLocalTime(tick.fire_time, timeZone),
      timeZone,
      trigger: TRIGGER_LABELS[tick.trigger] ?? tick.trigger,
      outcome:
        tick.outcome === null ? 'In progress' : (OUTCOME_LABELS[tick.outcome] ?? tick.outcome),
    },
    notice: options.notice,
    totals: {
      runs: runs.length,
      completed: count('completed'),
      failed: count('failed'),
      cancelled: count('cancelled'),
      unfinished: count('queued') + count('running'),
    },
    budget: {
      perTick: tick.per_tick_budget,
      agentsSpawned: runs.reduce((sum, r) => sum + r.agentsSpawned, 0),
      tenantLeft: tick.tenant_left,
      tenantDaily: source.tenantDailyAgentBudget,
    },
    runs,
    findings,
    hiddenFindings: source.findings.length - shown.length,
    minSeverity: options.minSeverity,
    skipped,
    authorization: digestAuthorization(source, scheduleUrl, timeZone),
    coverageWindowHours: schedule.coverageWindowHours,
    overdue: mostOverdue(source, targetName, new Set(source.runs.map((r) => r.item_id))),
  };
}

/**
 * The enabled items that did not run in this tick, stalest first (never-run items before all),
 * with their staleness at the tick's fire time against the coverage window.
 */
function mostOverdue(
  source: DigestSource,
  targetName: (kind: string, id: string) => string,
  ranNow: ReadonlySet<string | null>,
): DigestOverdueItem[] {
  const fire = source.tick.fire_time;
  const window = source.schedule.coverageWindowHours;
  return source.items
    .filter((item) => item.enabled === 1 && !ranNow.has(item.id))
    .map((item) => {
      // A later tick may have run the item since: then it was not stale at this one.
      const hours =
        item.last_run_at === null ? null : Math.max(0, fire - item.last_run_at) / MS_PER_HOUR;
      return { item, hours, staleness: hours === null ? null : hours / window };
    })
    .sort(
      (a, b) =>
        (a.staleness === null ? -1 : 0) - (b.staleness === null ? -1 : 0) ||
        (b.staleness ?? 0) - (a.staleness ?? 0) ||
        b.item.priority - a.item.priority ||
        a.item.created_at - b.item.created_at,
    )
    .slice(0, OVERDUE_LISTED)
    .map(({ item, hours, staleness }) => ({
      target: targetName(item.target_kind, item.target_id),
      lastRun:
        hours === null
          ? 'never ran'
          : item.last_run_at !== null && item.last_run_at > fire
            ? 'ran since this tick'
            : `last ran ${formatHours(hours)} before this tick`,
      staleness,
      overdue: staleness === null || staleness >= 1,
    }));
}

const formatHours = (hours: number): string =>
  hours < 1 ? `${Math.round(hours * 60)} min` : `${Math.round(hours * 10) / 10} h`;

/** The cadence's zone; UTC when the stored cadence could not be read or names none. */
function cadenceTimeZone(cadence: DigestSource['schedule']['cadence']): string {
  const zone: unknown = cadence?.timezone;
  return typeof zone === 'string' ? zone : 'UTC';
}
