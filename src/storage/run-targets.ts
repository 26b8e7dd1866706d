// What a worker reads to plan and call a run's steps: the journeys of its target in order, and
// an agent's kind, configuration and timeout — JSON columns parsed here, at the boundary.
import type { Insertable } from 'kysely';
import type { Database } from './database.ts';
import type { RunStepTable } from './schema.ts';

/** A step as the worker plans it, before it is stored. */
export type NewStep = Insertable<RunStepTable>;

export interface TargetJourney {
  /** Its place in the target (a test plan's order, deleted journeys counted). */
  readonly position: number;
  readonly id: string;
  readonly name: string;
  readonly agentId: string;
  readonly inputs: Record<string, unknown>;
}

/**
 * The journeys a run walks, in order: its journey, or its test plan's; a journey deleted since
 * is left out (the caller tells a run that has none left).
 */
export async function journeysOfTarget(
  database: Database,
  target: { readonly kind: string; readonly id: string },
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

export interface StepCallee {
  readonly kind: string;
  readonly config: Record<string, unknown>;
  readonly timeoutSeconds: number | null;
}

/** An agent as a step calls it; undefined when it was deleted. */
export async function agentForStep(
  database: Database,
  agentId: string,
): Promise<StepCallee | undefined> {
  const agent = await database.db
    .selectFrom('agents')
    .select(['kind', 'config', 'timeout_seconds'])
    .where('id', '=', agentId)
    .executeTakeFirst();
  return agent === undefined
    ? undefined
    : {
        kind: agent.kind,
        config: JSON.parse(agent.config) as Record<string, unknown>,
        timeoutSeconds: agent.timeout_seconds,
      };
}
