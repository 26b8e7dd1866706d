// `application/x-www-form-urlencoded` bodies, for the token endpoint and the Authorize popup's
// forms: URLSearchParams does the decoding, and a parameter given twice is marked, never merged
// (RFC 6749 section 3.2: parameters must not be repeated).
export const FORM = 'application/x-www-form-urlencoded';

export const REPEATED = Symbol('repeated parameter');

export type FormFields = Record<string, string | typeof REPEATED>;

export function parseForm(body: string): FormFields {
  const fields: FormFields = {};
  for (const [name, value] of new URLSearchParams(body))
    fields[name] = Object.hasOwn(fields, name) ? REPEATED : value;
  return fields;
}

/** One field of a parsed form (or query): its string, else undefined (absent, repeated, other). */
export function formField(fields: unknown, name: string): string | undefined {
  if (typeof fields !== 'object' || fields === null) return undefined;
  const value = (fields as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}
