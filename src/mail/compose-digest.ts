// A digest model into a mail: subject, HTML part and plain-text part. Pure: the same model
// always gives the same mail, which is what the committed example in docs/examples/ relies on.
import type { DigestModel } from './digest-model.ts';
import { digestHtml } from './digest-html.ts';
import { findingsCount, plural, runsVerdict } from './digest-summary.ts';
import { digestText } from './digest-text.ts';

export interface ComposedDigest {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

// A schedule name is user input: no line break or control character reaches a header.
// eslint-disable-next-line no-control-regex
const oneLine = (text: string): string => text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();

export function digestSubject(model: DigestModel): string {
  const findings = findingsCount(model);
  const parts = [runsVerdict(model), ...(findings > 0 ? [plural(findings, 'finding')] : [])];
  return oneLine(`[Rota] ${model.schedule.name}: ${parts.join(', ')} · ${model.tick.shortTime}`);
}

export function composeDigest(model: DigestModel): ComposedDigest {
  const subject = digestSubject(model);
  return { subject, html: digestHtml(model, subject), text: digestText(model) };
}
