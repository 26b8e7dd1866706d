// Schedule items: a journey or a test plan on a schedule, with a priority, runtime parameters
// and its own last run. Exactly one target per item (seed: both or neither is a 400).
import { z } from 'zod';
import { MAX_PRIORITY, MIN_PRIORITY } from '../core/item-order.ts';
import { issue } from '../core/validation-issue.ts';
import { addCoreIssues, Id, Instant, JsonObject, Timestamps } from './common.ts';

const Priority = z.int().min(MIN_PRIORITY).max(MAX_PRIORITY);

export const ItemCreate = z
  .object({
    journey_id: Id.optional().describe('Journey to add. Mutually exclusive with test_plan_id.'),
    test_plan_id: Id.optional().describe('Test plan to add. Mutually exclusive with journey_id.'),
    priority: Priority.default(0).describe('Priority (higher = preferred) (default: 0)'),
    parameters: JsonObject.default({}).describe('Runtime parameters for the target.'),
    enabled: z.boolean().default(true),
  })
  .strict()
  .superRefine((value, ctx) => {
    if ((value.journey_id === undefined) === (value.test_plan_id === undefined))
      addCoreIssues(ctx, [
        issue('', 'one_target_required', 'Give exactly one of journey_id and test_plan_id.'),
      ]);
  })
  .meta({
    id: 'ScheduleItemCreate',
    // The refinement above, as JSON Schema: exactly one of the two targets.
    oneOf: [{ required: ['journey_id'] }, { required: ['test_plan_id'] }],
  });

export const ItemUpdate = z
  .object({ priority: Priority, parameters: JsonObject, enabled: z.boolean() })
  .partial()
  .strict()
  .meta({ id: 'ScheduleItemUpdate' });

const common = {
  id: Id,
  schedule_id: Id,
  priority: z.int(),
  parameters: JsonObject,
  enabled: z.boolean(),
  last_run_at: Instant.nullable(),
  ...Timestamps,
};

export const JourneyItem = z.object({ ...common, journey_id: Id }).meta({ id: 'JourneyItem' });
export const TestPlanItem = z.object({ ...common, test_plan_id: Id }).meta({ id: 'TestPlanItem' });
export const ScheduleItem = z.union([JourneyItem, TestPlanItem]);

export const ItemParams = z.object({ id: Id, itemId: Id }).strict();
