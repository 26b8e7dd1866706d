// Journeys (one agent exercises one user journey) and test plans (an ordered list of journeys).
import { z } from 'zod';
import { Id, JsonObject, Name, Timestamps } from './common.ts';

const Description = z.string().max(10_000);

export const JourneyCreate = z
  .object({
    project_id: Id,
    name: Name,
    description: Description.nullable().optional(),
    agent_id: Id.describe('The agent that exercises the journey; in the same project.'),
    inputs: JsonObject.optional().describe('E.g. the base URL; default {}.'),
  })
  .strict()
  .meta({ id: 'JourneyCreate' });

export const JourneyUpdate = z
  .object({
    name: Name,
    description: Description.nullable(),
    agent_id: Id,
    inputs: JsonObject,
  })
  .partial()
  .strict();

export const Journey = z
  .object({
    id: Id,
    project_id: Id,
    name: z.string(),
    description: z.string().nullable(),
    agent_id: Id,
    inputs: JsonObject,
    ...Timestamps,
  })
  .meta({ id: 'Journey' });

const JourneyIds = z
  .array(Id)
  .min(1)
  .max(500)
  .describe('Journeys of the same project, in the order they run.');

export const TestPlanCreate = z
  .object({ project_id: Id, name: Name, journey_ids: JourneyIds })
  .strict()
  .meta({ id: 'TestPlanCreate' });

export const TestPlanUpdate = z.object({ name: Name, journey_ids: JourneyIds }).partial().strict();

export const TestPlan = z
  .object({ id: Id, project_id: Id, name: z.string(), journey_ids: z.array(Id), ...Timestamps })
  .meta({ id: 'TestPlan' });
