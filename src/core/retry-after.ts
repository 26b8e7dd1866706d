// The `Retry-After` header (RFC 9110 §10.2.3): delay-seconds or an HTTP date. Returns the wait in
// milliseconds, or undefined when the header is absent or unreadable (the caller's own backoff
// applies then).
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date: IMF-fixdate, or the obsolete RFC 850 / asctime forms Date.parse also reads.
  if (!/^[A-Za-z]{3}/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
