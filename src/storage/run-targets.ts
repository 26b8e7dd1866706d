// What a worker reads to plan and call a run's steps: the journeys of its target in order, and
// the kind, configuration and timeout of the agent or tool a step calls — JSON columns parsed here, at the boundary.
import type { RunTarget } from '../core/run-records.ts';
import type { CalleeForStep, StepCallee, TargetJourney } from '../core/work-records.ts';
import type { Database } from './database.ts';

/**
 * The journeys a run walks, in order: its journey, or its test plan's; a journey deleted since
 * is left out (the caller tells a run that has none left).
 */
export async function journeysOfTarget(
  database: Database,
  target: RunTarget,
): Promise<TargetJourney[]> {
  const { db } = database;
  const ids =
    target.kind === 'journey'
      ? [target.id]
      : (
          await db
            .selectFrom('test_plan_journeys')
            .select('journey_id')
            .where('test_plan_id', '=', target.id)
            .orderBy('position')
            .execute()
        ).map((row) => row.journey_id);
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('journeys').selectAll().where('id', 'in', ids).execute();
  return ids.flatMap((id, position) => {
    const row = rows.find((j) => j.id === id);
    return row === undefined
      ? []
      : [
          {
            position,
            id: row.id,
            name: row.name,
            agentId: row.agent_id,
            inputs: JSON.parse(row.inputs) as Record<string, unknown>,
          },
        ];
  });
}

/** The agent or tool a step calls; undefined when it was deleted. */
export async function calleeForStep(
  database: Database,
  callee: StepCallee,
): Promise<CalleeForStep | undefined> {
  if (callee.id === null) return undefined;
  const row = await database.db
    .selectFrom(callee.kind === 'agent' ? 'agents' : 'tools')
    .select(['kind', 'config', 'timeout_seconds'])
    .where('id', '=', callee.id)
    .executeTakeFirst();
  return row === undefined
    ? undefined
    : {
        kind: row.kind,
        config: JSON.parse(row.config) as Record<string, unknown>,
        timeoutSeconds: row.timeout_seconds,
      };
}
