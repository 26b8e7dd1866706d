// The plain-text part of a digest: complete on its own (every link written out), readable in a
// terminal mail client and in notification previews.
import type { DigestModel } from './digest-model.ts';
import {
  findingsHeading,
  hiddenFindingsLine,
  overdueHeading,
  runsVerdict,
  summaryLines,
} from './digest-summary.ts';

const indent = (text: string): string => text.replace(/\r?\n/g, '\n    ');

export function digestText(model: DigestModel): string {
  const out: string[] = [];
  out.push(`${model.schedule.name} — ${runsVerdict(model)}`);
  out.push(`Project: ${model.project}`);
  out.push(`Tick: ${model.tick.time} (${model.tick.trigger}) — ${model.tick.outcome}`);
  if (model.notice !== null) out.push('', `Note: ${model.notice}`);
  const { authorization } = model;
  if (authorization !== null) {
    out.push('', 'AUTHORISATION');
    for (const line of [authorization.skipped, authorization.expiring])
      if (line !== null) out.push(`- ${line}`);
    out.push(`Re-authorise: ${authorization.url}`);
  }
  out.push('', ...summaryLines(model).map((line) => `${line.label}: ${line.value}`));

  if (model.runs.length > 0) {
    out.push('', 'RUNS');
    for (const run of model.runs) {
      const facts = [
        `${run.agentsSpawned} agent${run.agentsSpawned === 1 ? '' : 's'}`,
        ...(run.duration === null ? [] : [run.duration]),
        ...(run.findings === 0 ? [] : [`${run.findings} finding${run.findings === 1 ? '' : 's'}`]),
      ];
      out.push(`- [${run.statusLabel}] ${run.target}`);
      if (run.error !== null) out.push(`    ${indent(run.error)}`);
      out.push(`    ${facts.join(' · ')}`, `    ${run.url}`);
    }
  }

  const hidden = hiddenFindingsLine(model);
  if (model.findings.length > 0 || hidden !== null) {
    out.push('', findingsHeading(model).toUpperCase());
    for (const group of model.findings) {
      out.push(`${group.label} (${group.findings.length})`);
      for (const f of group.findings) {
        out.push(`- ${f.title} — ${f.target}`);
        if (f.detail !== null && f.detail !== '') out.push(`    ${indent(f.detail)}`);
        out.push(`    ${f.runUrl}`);
      }
    }
    if (hidden !== null) out.push(hidden);
  }

  if (model.skipped.length > 0) {
    out.push('', 'SKIPPED');
    for (const skip of model.skipped) out.push(`- ${skip.target}: ${skip.reason}`);
  }

  if (model.overdue.length > 0) {
    out.push('', overdueHeading(model).toUpperCase());
    for (const item of model.overdue)
      out.push(`- ${item.target}: ${item.lastRun}${item.overdue ? ' — overdue' : ''}`);
  }

  out.push('', '-- ', `Schedule: ${model.schedule.url}`, 'Sent by Rota.', '');
  return out.join('\n');
}
