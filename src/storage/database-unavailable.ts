// Whether an error means the database cannot be reached (answered 503 + Retry-After), as opposed
// to a query that failed, or that a row it referenced is gone (400). Recognised by error codes,
// so no caller needs to know the drivers.

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'EAI_AGAIN',
]);
// PostgreSQL: connection exceptions (class 08), shutdown (57P01…57P03), too many connections.
const POSTGRES_UNAVAILABLE = /^(08...|57P0[123]|53300)$/;
const SQLITE_UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|FULL|READONLY)/;
const MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'driver has already been destroyed',
  'Cannot use a pool after calling end',
];

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (NETWORK_CODES.has(code) || POSTGRES_UNAVAILABLE.test(code)) return true;
      if (SQLITE_UNAVAILABLE.test(code)) return true;
    }
    if (MESSAGES.some((m) => e instanceof Error && e.message.includes(m))) return true;
    // AggregateError (a dual-stack connect) carries the socket errors inside.
    if (e instanceof AggregateError && e.errors.some((inner) => isDatabaseUnavailable(inner)))
      return true;
    e = e.cause;
  }
  return false;
}

// A row referenced by what is being written was deleted meanwhile (a race between a check and the
// write): PostgreSQL's foreign_key_violation, SQLite's FOREIGN KEY constraint failure.
const FOREIGN_KEY_CODES = new Set(['23503', 'SQLITE_CONSTRAINT_FOREIGNKEY']);

export function isReferenceGone(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && FOREIGN_KEY_CODES.has(code)) return true;
    e = e.cause;
  }
  return false;
}
