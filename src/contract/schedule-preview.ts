// POST /api/v1/schedules/preview: the summary and next fire times of an unsaved cadence. The shape
// only: `from` defaults to the server's clock and resolves an interval's origin, so the route reads
// and checks it, and has the core parse the cadence once against it.
import { z } from 'zod';
import { Cadence, CadenceInput } from './cadence.ts';
import { NextRun } from './schedules.ts';

export const MAX_PREVIEW_COUNT = 100;

export const PreviewRequest = z
  .object({
    cadence: CadenceInput,
    from: z.string().optional().describe('Preview after this instant (default: now).'),
    count: z.int().min(1).max(MAX_PREVIEW_COUNT).default(5),
  })
  .strict()
  .meta({ id: 'PreviewRequest' });

export const Preview = z
  .object({
    cadence: Cadence,
    summary: z.string(),
    next_runs: z.array(NextRun),
  })
  .meta({ id: 'Preview' });
