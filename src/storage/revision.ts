// The `If-Match` condition as SQL (ADR 45): a write carries it in its own WHERE, so of two writes
// made against the same revision only the first finds a row; the other changes nothing.

/** The revisions to match in `revision in (…)`: never empty (no row has revision 0). */
export const matching = (expected: readonly number[]): number[] =>
  expected.length === 0 ? [0] : [...expected];
