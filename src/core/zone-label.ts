// The time zone part of a schedule's summary (SPEC section 2): the en-US abbreviation when the
// zone has letters-only names in both halves of the year (PST/PDT), else the IANA name, so a
// numeric "GMT+1" never stands in for a zone's name.

const LETTERS_ONLY = /^[A-Za-z]+$/;
/** Bounds the per-year cache; the working set is a few zones over a few years. */
const MAX_CACHED_YEARS = 10_000;

// Building an Intl.DateTimeFormat costs far more than formatting with one, so keep one per zone.
const formatters = new Map<string, Intl.DateTimeFormat>();
const lettersOnlyYears = new Map<string, boolean>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function abbreviation(formatter: Intl.DateTimeFormat, instantMs: number): string {
  return formatter.formatToParts(instantMs).find((p) => p.type === 'timeZoneName')?.value ?? '';
}

/** Whether the zone's names in mid-January and mid-July of this UTC year are both letters only. */
function lettersOnlyIn(timeZone: string, formatter: Intl.DateTimeFormat, year: number): boolean {
  const key = `${timeZone}\u0000${year}`;
  let lettersOnly = lettersOnlyYears.get(key);
  if (lettersOnly === undefined) {
    lettersOnly =
      LETTERS_ONLY.test(abbreviation(formatter, Date.UTC(year, 0, 15))) &&
      LETTERS_ONLY.test(abbreviation(formatter, Date.UTC(year, 6, 15)));
    if (lettersOnlyYears.size >= MAX_CACHED_YEARS) lettersOnlyYears.clear();
    lettersOnlyYears.set(key, lettersOnly);
  }
  return lettersOnly;
}

/** "PST", "EDT", "UTC"… at that instant, or "(Europe/Berlin)" for zones without letter names. */
export function zoneLabel(timeZone: string, instantMs: number): string {
  const fallback = `(${timeZone})`;
  try {
    const formatter = formatterFor(timeZone);
    const year = new Date(instantMs).getUTCFullYear();
    if (!lettersOnlyIn(timeZone, formatter, year)) return fallback;
    const name = abbreviation(formatter, instantMs);
    return LETTERS_ONLY.test(name) ? name : fallback;
  } catch {
    // An unknown zone or an instant outside the Date range: the name alone is still honest.
    return fallback;
  }
}
