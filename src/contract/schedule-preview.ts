// POST /api/v1/schedules/preview: the summary and next fire times of an unsaved cadence.
import { z } from 'zod';
import { parseCadence } from '../core/cadence-parse.ts';
import { isSupportedInstant, parseInstant } from '../core/instant.ts';
import { issue } from '../core/validation-issue.ts';
import { Cadence, CadenceInput } from './cadence.ts';
import { addCoreIssues } from './common.ts';
import { NextRun } from './schedules.ts';

export const MAX_PREVIEW_COUNT = 100;

export const PreviewRequest = z
  .object({
    cadence: CadenceInput,
    from: z.string().optional().describe('Preview after this instant (default: now).'),
    count: z.int().min(1).max(MAX_PREVIEW_COUNT).default(5),
  })
  .strict()
  .superRefine((value, ctx) => {
    const from = value.from === undefined ? Date.now() : parseInstant(value.from);
    if (from === undefined || !isSupportedInstant(from)) {
      addCoreIssues(ctx, [
        issue(
          '/from',
          'invalid_instant',
          'from must be an ISO-8601 instant with Z or an offset, between 1900 and 2699.',
        ),
      ]);
      return;
    }
    const parsed = parseCadence(value.cadence, { reference: from });
    if (!parsed.ok)
      addCoreIssues(
        ctx,
        parsed.errors.map((e) => ({ ...e, field: `/cadence${e.field}` })),
      );
  })
  .meta({ id: 'PreviewRequest' });

export const Preview = z
  .object({
    cadence: Cadence,
    summary: z.string(),
    next_runs: z.array(NextRun),
  })
  .meta({ id: 'Preview' });
