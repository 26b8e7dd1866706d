// A run's steps, their logs and the run's findings, written as they happen (SPEC section 4).
// Every write names the run's fencing token: a worker that lost its lease changes nothing.
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { StepLogRecord } from '../core/run-records.ts';
import type { LeaseHolder, StepEnd, StepUpdate } from '../core/work-records.ts';
import type { Database } from './database.ts';
import type { FindingTable, RunStepTable, Schema } from './schema.ts';
import { endRun } from './run-store.ts';

export type StoredStep = Selectable<RunStepTable>;

/**
 * Whether `holder` still owns the run, checked under a lock on the run's row, so that a claim by
 * another worker waits until this transaction's writes are done (or sees them refused).
 */
const owns = async (
  database: Database,
  trx: Kysely<Schema>,
  holder: LeaseHolder,
): Promise<boolean> =>
  (await database
    .sharedLock(
      trx
        .selectFrom('runs')
        .select('id')
        .where('id', '=', holder.runId)
        .where('fence', '=', holder.fence)
        .where('status', '=', 'running'),
    )
    .executeTakeFirst()) !== undefined;

/**
 * Creates the run's steps once; a later attempt finds them and starts over on the same rows
 * (their ids, and so the calls' idempotency keys, stay the same). With `start`, the first step is
 * marked running in the same transaction. Returns the steps; none when the lease was lost.
 */
export async function ensureSteps(
  database: Database,
  holder: LeaseHolder,
  steps: readonly Insertable<RunStepTable>[],
  start?: { readonly now: number; readonly input: (step: StoredStep) => unknown },
): Promise<StoredStep[]> {
  return database.write(async (trx) => {
    if (!(await owns(database, trx, holder))) return [];
    if (steps.length > 0)
      await trx
        .insertInto('run_steps')
        .values([...steps])
        .onConflict((oc) => oc.doNothing())
        .execute();
    const stored = await trx
      .selectFrom('run_steps')
      .selectAll()
      .where('run_id', '=', holder.runId)
      .orderBy('position')
      .execute();
    const first = stored[0];
    if (start !== undefined && first !== undefined)
      await setStep(trx, holder, first.id, {
        status: 'running',
        now: start.now,
        input: start.input(first),
      });
    return stored;
  });
}

/** Records a step's progress; false when the lease was lost. */
export async function updateStep(
  database: Database,
  holder: LeaseHolder,
  stepId: string,
  update: StepUpdate,
): Promise<boolean> {
  return database.write(
    async (trx) =>
      (await owns(database, trx, holder)) && (await setStep(trx, holder, stepId, update)),
  );
}

async function setStep(
  trx: Kysely<Schema>,
  holder: LeaseHolder,
  stepId: string,
  update: StepUpdate,
): Promise<boolean> {
  const result = await trx
    .updateTable('run_steps')
    .set({
      status: update.status,
      ...(update.status === 'running'
        ? { started_at: update.now, finished_at: null, error_code: null, error_message: null }
        : { finished_at: update.now }),
      ...(update.input === undefined ? {} : { input: JSON.stringify(update.input) }),
      ...(update.output === undefined ? {} : { output: JSON.stringify(update.output) }),
      ...(update.error === undefined
        ? {}
        : {
            error_code: update.error?.code ?? null,
            error_message: update.error?.message ?? null,
          }),
    })
    .where('id', '=', stepId)
    .where('run_id', '=', holder.runId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * A step's end in one transaction: its log lines, its findings, its status, and the run's end
 * when there is one. False when the lease was lost, and then nothing was written.
 */
export async function endStep(
  database: Database,
  holder: LeaseHolder,
  stepId: string,
  end: StepEnd,
): Promise<boolean> {
  return database.write(async (trx) => {
    if (!(await owns(database, trx, holder))) return false;
    await insertLogs(trx, stepId, end.logs);
    if (end.findings.length > 0)
      await trx
        .insertInto('findings')
        .values([...end.findings])
        // A later attempt reports a step's findings again under the same ids: kept once.
        .onConflict((oc) => oc.doNothing())
        .execute();
    await setStep(trx, holder, stepId, end.update);
    return end.run === undefined || (await endRun(trx, holder, end.run));
  });
}

export async function appendLogs(
  database: Database,
  holder: LeaseHolder,
  stepId: string,
  lines: readonly StepLogRecord[],
): Promise<void> {
  if (lines.length === 0) return;
  await database.write(async (trx) => {
    if (await owns(database, trx, holder)) await insertLogs(trx, stepId, lines);
  });
}

async function insertLogs(trx: Kysely<Schema>, stepId: string, lines: readonly StepLogRecord[]) {
  if (lines.length === 0) return;
  await trx
    .insertInto('step_logs')
    .values(
      lines.map((line) => ({
        step_id: stepId,
        at: line.at,
        level: line.level,
        message: line.message,
      })),
    )
    .execute();
}

export async function addFindings(
  database: Database,
  holder: LeaseHolder,
  findings: readonly Insertable<FindingTable>[],
): Promise<void> {
  if (findings.length === 0) return;
  await database.write(async (trx) => {
    if (!(await owns(database, trx, holder))) return;
    await trx
      .insertInto('findings')
      .values([...findings])
      .onConflict((oc) => oc.doNothing())
      .execute();
  });
}
