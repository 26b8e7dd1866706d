import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorKind } from '../../src/core/error-codes.ts';

const SECTIONS: Record<string, ErrorKind> = {
  Validation: 'validation',
  'Run errors': 'run',
  Authentication: 'auth',
  'Broken invariants': 'invariant',
  'Request errors': 'request',
  'Command line': 'cli',
};

/** The codes docs/errors.md lists, by the kind its section names. */
function documented(): Map<string, { kind: ErrorKind | undefined; retryable: string | undefined }> {
  const codes = new Map<string, { kind: ErrorKind | undefined; retryable: string | undefined }>();
  let kind: ErrorKind | undefined;
  for (const line of readFileSync('docs/errors.md', 'utf8').split('\n')) {
    const heading = /^## (.+)$/.exec(line);
    if (heading) kind = SECTIONS[heading[1] ?? ''];
    const row = /^\|\s*`([a-z_]+)`\s*\|\s*(yes|no|\d{3})?/.exec(line);
    if (row?.[1]) codes.set(row[1], { kind, retryable: row[2] });
  }
  return codes;
}

describe('docs/errors.md', () => {
  it('lists exactly the codes of the catalogue', () => {
    expect([...documented().keys()].sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });

  it('lists each code under its kind, with run codes marked retryable and request codes with the status the catalogue says', () => {
    for (const [code, doc] of documented()) {
      const info = ERROR_CODES[code as keyof typeof ERROR_CODES];
      expect(doc.kind, code).toBe(info.kind);
      if (info.kind === 'run') expect(doc.retryable, code).toBe(info.retryable ? 'yes' : 'no');
      if (info.kind === 'request')
        expect(doc.retryable, code).toBe(String((info as { status?: number }).status));
    }
  });
});
