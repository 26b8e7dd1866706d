// The HTML part of a digest, built for mail clients: one centred table, every style inline (many
// clients drop <style> blocks), no images or external resources, system fonts, and colours
// that never carry meaning alone (each badge also says its status in words).
import type { Severity } from '../core/finding-severity.ts';
import type { DigestModel, DigestRun } from './digest-model.ts';
import {
  findingsHeading,
  hiddenFindingsLine,
  overdueHeading,
  runsVerdict,
  summaryLines,
} from './digest-summary.ts';
import { escapeHtml as e } from '../core/html-escape.ts';

const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const MUTED = '#57606a';

const STATUS_COLOURS: Readonly<Record<DigestRun['status'], [string, string]>> = {
  completed: ['#1a7f37', '#dafbe1'],
  failed: ['#cf222e', '#ffebe9'],
  cancelled: ['#57606a', '#eaeef2'],
  queued: ['#0969da', '#ddf4ff'],
  running: ['#0969da', '#ddf4ff'],
};

const SEVERITY_COLOURS: Readonly<Record<Severity, [string, string]>> = {
  critical: ['#ffffff', '#a40e26'],
  high: ['#cf222e', '#ffebe9'],
  medium: ['#9a6700', '#fff8c5'],
  low: ['#0969da', '#ddf4ff'],
  info: ['#57606a', '#eaeef2'],
};

const badge = ([colour, background]: [string, string], label: string): string =>
  `<span style="display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:${colour};background:${background}">${e(label)}</span>`;

const link = (url: string, label: string): string =>
  `<a href="${e(url)}" style="color:#0969da;text-decoration:underline">${e(label)}</a>`;

const heading = (text: string): string =>
  `<tr><td style="padding:24px 24px 8px;font-size:16px;font-weight:600;color:#1f2328">${e(text)}</td></tr>`;

const block = (inner: string): string => `<tr><td style="padding:0 24px">${inner}</td></tr>`;

const paragraph = (inner: string, colour = '#1f2328'): string =>
  `<p style="margin:0 0 6px;font-size:14px;line-height:20px;color:${colour}">${inner}</p>`;

const multiline = (text: string): string => e(text).replace(/\r?\n/g, '<br>');

function runsTable(model: DigestModel): string {
  const rows = model.runs.map((run) => {
    const facts = [
      `${run.agentsSpawned} agent${run.agentsSpawned === 1 ? '' : 's'}`,
      ...(run.duration === null ? [] : [run.duration]),
      ...(run.findings === 0 ? [] : [`${run.findings} finding${run.findings === 1 ? '' : 's'}`]),
    ].join(' · ');
    return (
      `<tr><td style="padding:8px 0;border-top:1px solid #d0d7de;vertical-align:top;width:96px">${badge(STATUS_COLOURS[run.status], run.statusLabel)}</td>` +
      `<td style="padding:8px 0 8px 8px;border-top:1px solid #d0d7de;font-size:14px;line-height:20px;color:#1f2328">` +
      `${link(run.url, run.target)}` +
      (run.error === null
        ? ''
        : `<div style="font-size:13px;color:#cf222e">${multiline(run.error)}</div>`) +
      `<div style="font-size:12px;color:${MUTED}">${e(facts)}</div></td></tr>`
    );
  });
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse">${rows.join('')}</table>`;
}

function findingsSection(model: DigestModel): string {
  const groups = model.findings.map((group) => {
    const items = group.findings.map(
      (f) =>
        `<li style="margin:0 0 8px;font-size:14px;line-height:20px;color:#1f2328"><strong>${e(f.title)}</strong> — ${link(f.runUrl, f.target)}` +
        (f.detail === null || f.detail === ''
          ? ''
          : `<div style="font-size:13px;color:${MUTED}">${multiline(f.detail)}</div>`) +
        '</li>',
    );
    return (
      `<div style="margin:8px 0 4px">${badge(SEVERITY_COLOURS[group.severity], `${group.label} (${group.findings.length})`)}</div>` +
      `<ul style="margin:4px 0 8px;padding-left:20px">${items.join('')}</ul>`
    );
  });
  const hidden = hiddenFindingsLine(model);
  return groups.join('') + (hidden === null ? '' : paragraph(e(hidden), MUTED));
}

const list = (entries: readonly string[]): string =>
  `<ul style="margin:4px 0 8px;padding-left:20px">${entries
    .map(
      (entry) =>
        `<li style="margin:0 0 4px;font-size:14px;line-height:20px;color:#1f2328">${entry}</li>`,
    )
    .join('')}</ul>`;

export function digestHtml(model: DigestModel, subject: string): string {
  const verdict = runsVerdict(model);
  const failed = model.totals.failed > 0;
  const sections: string[] = [];
  sections.push(
    `<tr><td style="padding:24px 24px 4px;font-size:12px;color:${MUTED};text-transform:uppercase;letter-spacing:0.5px">Rota digest · ${e(model.project)}</td></tr>`,
    `<tr><td style="padding:0 24px;font-size:22px;line-height:28px;font-weight:600;color:#1f2328">${link(model.schedule.url, model.schedule.name)}</td></tr>`,
    block(
      paragraph(
        `${e(model.tick.time)} · ${e(model.tick.trigger)} · Outcome: ${e(model.tick.outcome)}`,
        MUTED,
      ) +
        `<p style="margin:8px 0 0;font-size:16px;font-weight:600;color:${failed ? '#cf222e' : '#1f2328'}">${e(verdict)}</p>`,
    ),
  );
  if (model.notice !== null)
    sections.push(
      block(
        `<p style="margin:12px 0 0;padding:8px 12px;border-left:4px solid #9a6700;background:#fff8c5;font-size:14px;color:#1f2328">${e(model.notice)}</p>`,
      ),
    );
  const { authorization } = model;
  if (authorization !== null)
    sections.push(
      heading('Authorisation'),
      block(
        [authorization.skipped, authorization.expiring]
          .flatMap((line) => (line === null ? [] : [paragraph(e(line))]))
          .join('') + paragraph(link(authorization.url, 'Re-authorise in the Schedule tab')),
      ),
    );
  sections.push(
    heading('Summary'),
    block(
      summaryLines(model)
        .map((line) => paragraph(`<strong>${e(line.label)}:</strong> ${e(line.value)}`))
        .join(''),
    ),
  );
  if (model.runs.length > 0) sections.push(heading('Runs'), block(runsTable(model)));
  if (model.findings.length > 0 || model.hiddenFindings > 0)
    sections.push(heading(findingsHeading(model)), block(findingsSection(model)));
  if (model.skipped.length > 0)
    sections.push(
      heading('Skipped'),
      block(list(model.skipped.map((s) => `${e(s.target)}: ${e(s.reason)}`))),
    );
  if (model.overdue.length > 0)
    sections.push(
      heading(overdueHeading(model)),
      block(
        list(
          model.overdue.map(
            (o) =>
              `${e(o.target)}: ${e(o.lastRun)}${o.overdue ? ` ${badge(['#cf222e', '#ffebe9'], 'overdue')}` : ''}`,
          ),
        ),
      ),
    );
  sections.push(
    `<tr><td style="padding:24px;font-size:12px;line-height:18px;color:${MUTED};border-top:1px solid #d0d7de">Sent by Rota for ${link(model.schedule.url, model.schedule.name)}. Times are in ${e(model.tick.timeZone)}.</td></tr>`,
  );
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width,initial-scale=1">',
    '<meta name="color-scheme" content="light">',
    `<title>${e(subject)}</title>`,
    '</head>',
    `<body style="margin:0;padding:0;background:#f6f8fa;font-family:${FONT}">`,
    // The preview line most clients show beside the subject.
    `<div style="display:none;max-height:0;overflow:hidden">${e(verdict)} · ${e(model.tick.time)}</div>`,
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f6f8fa"><tr><td align="center" style="padding:16px 8px">`,
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:640px;background:#ffffff;border:1px solid #d0d7de;border-radius:6px;font-family:${FONT}">`,
    ...sections,
    '</table>',
    '</td></tr></table>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
