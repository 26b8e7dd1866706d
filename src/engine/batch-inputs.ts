// What a batch of ticks reads once and shares: each tenant's spend per budget day (kept current
// as the batch is planned), the fire times around a tick that the auto budget's K counts, and the
// state of each user-owned schedule's owner grant.
import { MS_PER_DAY, MS_PER_HOUR } from '../core/civil-date.ts';
import { fireTimesBetween, type CompiledCadence } from '../core/next-fire-times.ts';
import { tenantDay, tenantLeft } from '../core/tenant-day.ts';
import type { Cadence } from '../core/cadence.ts';
import type { FiringSchedule, TickContext } from '../core/firing-records.ts';
import { grantStatus, type GrantFacts } from '../core/grant-status.ts';
import type { TickOwner } from '../core/plan-tick.ts';
import type { TickTransaction } from './scheduler-store.ts';

const COVERAGE_LOOKAHEAD_MS = 28 * MS_PER_DAY;

/**
 * What each tenant may still spend on each of its budget days, read once per batch and then
 * kept current in memory as the batch's ticks are planned, so that ticks of one batch share the
 * tenant's budget as if they had been written one after another.
 */
export class TenantBudgets {
  private readonly spent: Map<string, number>;

  private constructor(spent: Map<string, number>) {
    this.spent = spent;
  }

  /** The spend of each tenant on the day of each of its ticks about to be planned. */
  static async load(
    store: Pick<TickTransaction, 'agentsSpentSince'>,
    ticks: readonly { readonly tenant: TickContext['tenant']; readonly at: number }[],
  ): Promise<TenantBudgets> {
    const spent = new Map<string, number>();
    for (const { tenant, at } of ticks) {
      const start = tenantDay(tenant.timezone, at).start;
      const key = `${tenant.id}/${start}`;
      if (!spent.has(key)) spent.set(key, await store.agentsSpentSince(tenant.id, start));
    }
    return new TenantBudgets(spent);
  }

  left(tenant: TickContext['tenant'], at: number): number | null {
    return tenantLeft(tenant.daily_agent_budget, this.spent.get(this.key(tenant, at)) ?? 0);
  }

  spend(tenant: TickContext['tenant'], at: number, agents: number): void {
    const key = this.key(tenant, at);
    this.spent.set(key, (this.spent.get(key) ?? 0) + agents);
  }

  private key(tenant: TickContext['tenant'], at: number): string {
    return `${tenant.id}/${tenantDay(tenant.timezone, at).start}`;
  }
}

/**
 * The fire times around a tick that the auto budget's K is counted over (one window back, 28
 * days and a window ahead), shared by the schedules of a batch with the same cadence and window.
 */
export class FireTimesCache {
  // By cadence object: the store hands one parsed object to the schedules sharing a cadence.
  private readonly cache = new Map<Cadence, Map<string, readonly number[]>>();

  around(compiled: CompiledCadence, schedule: FiringSchedule, at: number): readonly number[] {
    const windowMs = schedule.coverage_window_hours * MS_PER_HOUR;
    const key = `${at}/${windowMs}`;
    let byCadence = this.cache.get(schedule.cadence);
    if (byCadence === undefined)
      this.cache.set(schedule.cadence, (byCadence = new Map<string, readonly number[]>()));
    let times = byCadence.get(key);
    if (times === undefined) {
      times = fireTimesBetween(compiled, at - windowMs - 1, at + COVERAGE_LOOKAHEAD_MS + windowMs);
      byCadence.set(key, times);
    }
    return times;
  }
}

/**
 * Who each schedule of a batch runs as (SPEC section 3 step 5): a machine client needs nothing
 * more; a user needs a live grant. The owners' latest grants are read in one query per batch and
 * judged at the pass's `now`, when the runs would start, whatever the fire time of a catch-up tick.
 */
export class OwnerGrants {
  private readonly grants: ReadonlyMap<string, GrantFacts>;

  private constructor(grants: ReadonlyMap<string, GrantFacts>) {
    this.grants = grants;
  }

  static async load(
    store: Pick<TickTransaction, 'ownerGrants'>,
    schedules: readonly FiringSchedule[],
    now: number,
  ): Promise<OwnerGrants> {
    return new OwnerGrants(await store.ownerGrants(schedules, now));
  }

  owner(schedule: FiringSchedule, now: number): TickOwner {
    if (schedule.owner_kind === 'client') return { kind: 'client' };
    return { kind: 'user', grant: grantStatus(this.grants.get(schedule.id), now) };
  }
}
