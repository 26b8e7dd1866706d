// What a digest says about the schedule owner's authorisation (issue 13, SPEC section 3 step 5):
// how many selected items this tick could not start because the owner's grant is missing,
// revoked or expired, and a warning when a live grant ends within seven days — each with the
// way back: re-authorise in the schedule's Schedule tab (seed 1's troubleshooting).
import { grantExpiresSoon } from '../core/grant-status.ts';
import type { DigestSource } from '../core/digest-records.ts';
import type { DigestAuthorization } from './digest-model.ts';
import { formatLongLocalTime } from './local-time.ts';

const AUTHORIZATION_REASONS = new Set(['authorization_required', 'authorization_expired']);

const items = (n: number): string => `${n} item${n === 1 ? '' : 's'}`;

export function digestAuthorization(
  source: DigestSource,
  scheduleUrl: string,
  timeZone: string,
): DigestAuthorization | null {
  const skips = source.decisions.filter((d) => AUTHORIZATION_REASONS.has(d.reason ?? ''));
  const expired = skips.some((d) => d.reason === 'authorization_expired');
  const skipped =
    skips.length === 0
      ? null
      : `${items(skips.length)} did not run: ${
          expired
            ? 'the schedule owner’s authorisation expired'
            : 'the schedule owner has not authorised Rota, or revoked it'
        }. Their runs failed with “Authorization failed”. Re-authorise in the Schedule tab and the next tick runs normally.`;
  // Judged at the tick's fire time, like the rest of the digest.
  const grant = source.owner?.kind === 'user' ? source.owner.grant : null;
  const expiring =
    grant !== null && grantExpiresSoon(grant, source.tick.fire_time)
      ? `The schedule owner’s authorisation expires on ${formatLongLocalTime(grant.expires_at, timeZone)}. Re-authorise before then so that its runs keep going.`
      : null;
  if (skipped === null && expiring === null) return null;
  return { skipped, expiring, url: scheduleUrl };
}
