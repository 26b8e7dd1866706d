// A schedule's `digest_config` (SPEC section 8): parsed from untrusted JSON into a normalised
// value, or every problem at once. Recipients are plain addresses only, so nothing a user types
// can end up as an extra mail header (CR/LF, commas, display names are all refused).
import { describeJson, isObject } from './field-reader.ts';
import { isSeverity, SEVERITIES, type Severity } from './finding-severity.ts';
import { issue, pointer, type Parsed, type ValidationIssue } from './validation-issue.ts';

export const DigestSend = { always: 'always', on_failure: 'on_failure' } as const;
export type DigestSend = (typeof DigestSend)[keyof typeof DigestSend];

export interface DigestConfig {
  readonly enabled: boolean;
  /** Lower-cased domain, distinct, in the order given; empty only when disabled. */
  readonly recipients: readonly string[];
  readonly send: DigestSend;
  /** null: every finding. */
  readonly minSeverity: Severity | null;
}

export const MAX_DIGEST_RECIPIENTS = 50;
const FIELDS = ['enabled', 'recipients', 'send', 'min_severity'];
// RFC 5321 limits; dot-atom local parts (no quoted strings), ASCII host names.
const MAX_ADDRESS = 254;
const MAX_LOCAL = 64;
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Why an address cannot be mailed to, or undefined when it can. */
export function addressProblem(address: string): string | undefined {
  if (CONTROL.test(address))
    return 'must not contain line breaks or other control characters (they could inject mail headers)';
  if (address.length > MAX_ADDRESS) return `must be at most ${MAX_ADDRESS} characters`;
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (at <= 0 || local.length > MAX_LOCAL || !LOCAL_PART.test(local))
    return 'must be a plain address like ops@example.com (no name, no quotes, no commas)';
  if (domain.length > 253 || !domain.split('.').every((label) => LABEL.test(label)))
    return 'must end in a host name like example.com (ASCII; write international names in punycode)';
  return undefined;
}

/** `null` (or `{ enabled: false }`) means no digests. */
export function parseDigestConfig(input: unknown): Parsed<DigestConfig | null> {
  if (input === null) return { ok: true, value: null };
  if (!isObject(input)) {
    return {
      ok: false,
      errors: [
        issue(
          '',
          'invalid_type',
          `digest_config must be an object or null, not ${describeJson(input)}.`,
        ),
      ],
    };
  }
  const errors: ValidationIssue[] = [];
  for (const key of Object.keys(input)) {
    if (!FIELDS.includes(key))
      errors.push(
        issue(pointer('', key), 'field_not_allowed', `Unknown digest_config field "${key}".`),
      );
  }
  const enabled = readEnabled(input.enabled, errors);
  const recipients = readRecipients(input.recipients, enabled, errors);
  const send = readSend(input.send, errors);
  const minSeverity = readMinSeverity(input.min_severity, errors);
  return errors.length > 0
    ? { ok: false, errors }
    : { ok: true, value: { enabled, recipients, send, minSeverity } };
}

// Absent means enabled: a client that sends recipients wants digests (seed 2 shows no default).
function readEnabled(value: unknown, errors: ValidationIssue[]): boolean {
  if (value === undefined) return true;
  if (typeof value === 'boolean') return value;
  errors.push(
    issue('/enabled', 'invalid_type', `enabled must be true or false, not ${describeJson(value)}.`),
  );
  return false;
}

function readRecipients(value: unknown, enabled: boolean, errors: ValidationIssue[]): string[] {
  if (value === undefined || value === null) {
    if (enabled)
      errors.push(
        issue('/recipients', 'required', 'recipients is required when digests are enabled.'),
      );
    return [];
  }
  if (!Array.isArray(value)) {
    errors.push(
      issue(
        '/recipients',
        'invalid_type',
        `recipients must be an array of addresses, not ${describeJson(value)}.`,
      ),
    );
    return [];
  }
  const list = value as readonly unknown[];
  if ((enabled && list.length === 0) || list.length > MAX_DIGEST_RECIPIENTS) {
    errors.push(
      issue(
        '/recipients',
        'invalid_value',
        `recipients must list 1 to ${MAX_DIGEST_RECIPIENTS} addresses.`,
      ),
    );
  }
  const seen = new Set<string>();
  const addresses: string[] = [];
  list.forEach((entry, i) => {
    const field = pointer('/recipients', i);
    if (typeof entry !== 'string') {
      errors.push(
        issue(field, 'invalid_type', `A recipient must be a string, not ${describeJson(entry)}.`),
      );
      return;
    }
    const problem = addressProblem(entry);
    if (problem !== undefined) {
      errors.push(issue(field, 'invalid_email', `Recipient ${JSON.stringify(entry)} ${problem}.`));
      return;
    }
    const at = entry.lastIndexOf('@');
    const address = `${entry.slice(0, at)}@${entry.slice(at + 1).toLowerCase()}`;
    if (seen.has(address.toLowerCase())) {
      errors.push(issue(field, 'invalid_value', `Recipient ${entry} is listed twice.`));
      return;
    }
    seen.add(address.toLowerCase());
    addresses.push(address);
  });
  return addresses;
}

function readSend(value: unknown, errors: ValidationIssue[]): DigestSend {
  if (value === undefined || value === null) return 'always';
  if (value === 'always' || value === 'on_failure') return value;
  errors.push(
    issue(
      '/send',
      'invalid_value',
      `send must be "always" or "on_failure", not ${JSON.stringify(value)}.`,
    ),
  );
  return 'always';
}

function readMinSeverity(value: unknown, errors: ValidationIssue[]): Severity | null {
  if (value === undefined || value === null) return null;
  if (isSeverity(value)) return value;
  errors.push(
    issue(
      '/min_severity',
      'invalid_value',
      `min_severity must be null or one of ${SEVERITIES.join(', ')}, not ${JSON.stringify(value)}.`,
    ),
  );
  return null;
}

/**
 * The config a schedule has stored, or null (no digests) when there is none or it no longer
 * parses (saved before a stricter rule): a bad config must never fail the tick it belongs to.
 */
export function storedDigestConfig(text: string | null): DigestConfig | null {
  if (text === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = parseDigestConfig(json);
  return parsed.ok ? parsed.value : null;
}
