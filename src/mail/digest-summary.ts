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

/** "3 completed, 2 failed" (only the statuses that occur), or "none". */
export function runCounts(model: DigestModel): string {
  const { totals } = model;
  const parts = [
    [totals.completed, 'completed'],
    [totals.failed, 'failed'],
    [totals.cancelled, 'cancelled'],
    [totals.unfinished, 'not finished'],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, label]) => `${n as number} ${label as string}`);
  return `${plural(totals.runs, 'run')}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
}

/** "7 agents spawned; 33 of the tenant's 200 daily agents were left" … */
export function budgetLines(model: DigestModel): string[] {
  const { budget, totals } = model;
  const tenant =
    budget.tenantLeft === null
      ? 'the tenant has no daily agent limit'
      : `${budget.tenantLeft} of the tenant’s ${budget.tenantDaily ?? budget.tenantLeft} daily agents were left when the tick fired`;
  return [
    `${plural(budget.agentsSpawned, 'agent')} spawned; ${tenant}.`,
    `${plural(totals.runs, 'run')} started of at most ${budget.perTick} per tick.`,
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
