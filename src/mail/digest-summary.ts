// The few sentences both parts of a digest and its subject share, so they never disagree.
import type { DigestModel } from './digest-model.ts';

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** "2 of 5 runs failed", "5 runs completed", "No run started; 3 items skipped". */
export function runsVerdict(model: DigestModel): string {
  const { totals } = model;
  if (totals.runs === 0) {
    return model.skipped.length === 0
      ? 'No run started'
      : `No run started; ${plural(model.skipped.length, 'item')} skipped`;
  }
  if (totals.failed > 0) return `${totals.failed} of ${plural(totals.runs, 'run')} failed`;
  if (totals.cancelled > 0) return `${totals.cancelled} of ${plural(totals.runs, 'run')} cancelled`;
  if (totals.unfinished > 0)
    return `${totals.unfinished} of ${plural(totals.runs, 'run')} still going`;
  return totals.runs === 1 ? '1 run completed' : `All ${totals.runs} runs completed`;
}

export interface SummaryLine {
  readonly label: string;
  readonly value: string;
}

/** Runs, agents against the tenant's budget, runs against the per-tick budget. */
export function summaryLines(model: DigestModel): SummaryLine[] {
  const { budget, totals } = model;
  const counts = [
    [totals.completed, 'completed'],
    [totals.failed, 'failed'],
    [totals.cancelled, 'cancelled'],
    [totals.unfinished, 'not finished'],
  ] as const;
  const parts = counts.filter(([n]) => n > 0).map(([n, label]) => `${n} ${label}`);
  const tenant =
    budget.tenantLeft === null
      ? 'the tenant has no daily agent limit'
      : `the tenant had ${budget.tenantLeft} of its ${budget.tenantDaily ?? budget.tenantLeft} daily agents left when the tick fired`;
  return [
    { label: 'Runs', value: `${totals.runs}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}` },
    { label: 'Agents spawned', value: `${budget.agentsSpawned}; ${tenant}` },
    {
      label: 'Per-tick budget',
      value: `${plural(totals.runs, 'run')} started of at most ${budget.perTick}`,
    },
  ];
}

export function findingsCount(model: DigestModel): number {
  return model.findings.reduce((sum, g) => sum + g.findings.length, 0);
}

/** "Findings (high and above)" or "Findings". */
export function findingsHeading(model: DigestModel): string {
  return model.minSeverity === null || model.minSeverity === 'info'
    ? 'Findings'
    : `Findings (${model.minSeverity} and above)`;
}

export function hiddenFindingsLine(model: DigestModel): string | null {
  return model.hiddenFindings === 0
    ? null
    : `${plural(model.hiddenFindings, 'finding')} below ${model.minSeverity ?? ''} not shown.`;
}

export const overdueHeading = (model: DigestModel): string =>
  `Most overdue (coverage window ${model.coverageWindowHours} h)`;

export { plural };
