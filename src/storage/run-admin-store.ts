// Runs as the API reads and changes them, scoped by tenant (SPEC sections 4 and 6): lists newest
// first, one run with its steps, logs and findings, starting a run now, and cancelling one. The
// worker's own queue operations (claims, leases, fencing) live in run-store.ts.
import type { Selectable } from 'kysely';
import { runStatusesBefore } from '../core/run-state.ts';
import type {
  CancelResult,
  FindingRecord,
  NewRun,
  RunDetailRecord,
  RunFilter,
  RunRecord,
  RunStepRecord,
} from '../core/run-records.ts';
import type { PageRequest } from '../core/resources.ts';
import type { Database } from './database.ts';
import { parseObject } from './json-column.ts';
import type { RunTable } from './schema.ts';

const parseNullable = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

const runFromRow = (row: Selectable<RunTable>): RunRecord => ({
  id: row.id,
  project_id: row.project_id,
  target: { kind: row.target_kind, id: row.target_id },
  trigger: row.trigger,
  triggered_by: row.triggered_by,
  schedule_id: row.schedule_id,
  tick_id: row.tick_id,
  item_id: row.item_id,
  parameters: parseObject(row.parameters),
  status: row.status,
  scheduled_for: row.scheduled_for,
  queued_at: row.queued_at,
  started_at: row.started_at,
  finished_at: row.finished_at,
  attempt: row.attempt,
  max_attempts: row.max_attempts,
  agents_spawned: row.agents_spawned,
  usage: parseNullable(row.usage),
  error:
    row.error_code === null
      ? null
      : { code: row.error_code, message: row.error_message, step: row.error_step },
  created_at: row.created_at,
  updated_at: row.updated_at,
});

export function runAdminStore(database: Database) {
  const { db } = database;
  const select = (tenantId: string) =>
    db.selectFrom('runs').selectAll().where('tenant_id', '=', tenantId);

  const get = async (tenantId: string, id: string): Promise<RunRecord | undefined> => {
    const row = await select(tenantId).where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : runFromRow(row);
  };

  return {
    /** Newest first: ids are time-ordered, so a page is the ids before the cursor's. */
    async list(tenantId: string, filter: RunFilter, page: PageRequest): Promise<RunRecord[]> {
      const rows = await select(tenantId)
        .$if(filter.scheduleId !== undefined, (q) =>
          q.where('schedule_id', '=', filter.scheduleId!),
        )
        .$if(filter.status !== undefined, (q) => q.where('status', '=', filter.status!))
        .$if(filter.trigger !== undefined, (q) => q.where('trigger', '=', filter.trigger!))
        .$if(page.after !== undefined, (q) => q.where('id', '<', page.after!))
        .orderBy('id', 'desc')
        .limit(page.limit)
        .execute();
      return rows.map(runFromRow);
    },

    get,

    async detail(tenantId: string, id: string): Promise<RunDetailRecord | undefined> {
      const run = await get(tenantId, id);
      if (run === undefined) return undefined;
      const steps = await db
        .selectFrom('run_steps')
        .selectAll()
        .where('run_id', '=', id)
        .orderBy('position')
        .execute();
      const logs =
        steps.length === 0
          ? []
          : await db
              .selectFrom('step_logs')
              .selectAll()
              .where(
                'step_id',
                'in',
                steps.map((s) => s.id),
              )
              .orderBy('id')
              .execute();
      const findings = await db
        .selectFrom('findings')
        .selectAll()
        .where('run_id', '=', id)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return {
        ...run,
        steps: steps.map((step): RunStepRecord => ({
          id: step.id,
          position: step.position,
          key: step.step_key,
          name: step.name,
          callee: { kind: step.callee_kind, id: step.callee_id },
          status: step.status,
          input: parseNullable(step.input),
          output: parseNullable(step.output),
          error:
            step.error_code === null
              ? null
              : { code: step.error_code, message: step.error_message },
          started_at: step.started_at,
          finished_at: step.finished_at,
          logs: logs
            .filter((line) => line.step_id === step.id)
            .map(({ at, level, message }) => ({ at, level, message })),
        })),
        findings: findings.map((f): FindingRecord => ({
          id: f.id,
          step_id: f.step_id,
          severity: f.severity,
          title: f.title,
          detail: f.detail,
          created_at: f.created_at,
        })),
      };
    },

    /** Queues a run of a journey or test plan now, outside any tick. */
    async create(tenantId: string, run: NewRun): Promise<RunRecord> {
      const row = await db
        .insertInto('runs')
        .values({
          id: run.id,
          tenant_id: tenantId,
          project_id: run.project_id,
          target_kind: run.target.kind,
          target_id: run.target.id,
          trigger: run.trigger,
          triggered_by: run.triggered_by,
          tick_id: null,
          schedule_id: null,
          item_id: null,
          parameters: JSON.stringify(run.parameters),
          status: 'queued',
          scheduled_for: null,
          queued_at: run.now,
          started_at: null,
          finished_at: null,
          attempt: 1,
          max_attempts: run.max_attempts,
          agents_spawned: run.agents_spawned,
          usage: null,
          error_code: null,
          error_message: null,
          error_step: null,
          lease_owner: null,
          lease_until: null,
          fence: 0,
          after_run_id: null,
          created_at: run.now,
          updated_at: run.now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await database.runsQueued(db);
      return runFromRow(row);
    },

    /**
     * Cancels a queued or running run. Bumping the fence ends a worker's lease: its next
     * heartbeat or write matches no row, so it stops and cannot finish the run.
     */
    async cancel(tenantId: string, id: string, now: number): Promise<CancelResult> {
      const row = await db
        .updateTable('runs')
        .set((eb) => ({
          status: 'cancelled',
          error_code: 'cancelled',
          error_message: 'Cancelled through the API.',
          finished_at: now,
          updated_at: now,
          lease_owner: null,
          lease_until: null,
          fence: eb('fence', '+', 1),
        }))
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('status', 'in', [...runStatusesBefore('cancelled')])
        .returningAll()
        .executeTakeFirst();
      if (row !== undefined) return { result: 'cancelled', run: runFromRow(row) };
      const current = await get(tenantId, id);
      return current === undefined ? { result: 'missing' } : { result: 'ended', run: current };
    },
  };
}

export type RunAdminStore = ReturnType<typeof runAdminStore>;
