// What a digest says, as plain data: built from a tick (build-digest-model.ts) and rendered to
// HTML and text (compose-digest.ts). Times are already in the schedule's zone, links absolute.
import type { Severity } from '../core/finding-severity.ts';

export interface DigestRun {
  readonly id: string;
  readonly url: string;
  readonly target: string;
  readonly status: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
  readonly statusLabel: string;
  /** `code: message` of a run that did not complete. */
  readonly error: string | null;
  readonly agentsSpawned: number;
  /** "1 min 5 s"; null for a run that never started or has not ended. */
  readonly duration: string | null;
  readonly findings: number;
}

export interface DigestFinding {
  readonly title: string;
  readonly detail: string | null;
  readonly target: string;
  readonly runUrl: string;
}

export interface DigestFindingGroup {
  readonly severity: Severity;
  readonly label: string;
  readonly findings: readonly DigestFinding[];
}

export interface DigestSkip {
  readonly target: string;
  readonly reason: string;
}

/** The schedule owner's authorisation, when the digest has something to say about it. */
export interface DigestAuthorization {
  /** Items the tick could not start for want of a live grant, and what to do; null: none. */
  readonly skipped: string | null;
  /** A live grant that ends within seven days of the tick; null: none. */
  readonly expiring: string | null;
  /** Where to re-authorise: the schedule's page (its Schedule tab has the Authorize button). */
  readonly url: string;
}

export interface DigestOverdueItem {
  readonly target: string;
  /** "never ran", "last ran 130 h before this tick". */
  readonly lastRun: string;
  /** Hours since the last run ÷ the coverage window; null for an item that never ran. */
  readonly staleness: number | null;
  readonly overdue: boolean;
}

export interface DigestModel {
  readonly schedule: { readonly name: string; readonly url: string };
  readonly project: string;
  readonly tick: {
    /** "Sunday, March 14, 2027, 3:30 AM EDT". */
    readonly time: string;
    /** The same, short, for the subject: "Mar 14, 3:30 AM EDT". */
    readonly shortTime: string;
    readonly timeZone: string;
    readonly trigger: string;
    readonly outcome: string;
  };
  /** A line the digest leads with (the schedule was paused, or this is a resend). */
  readonly notice: string | null;
  readonly totals: {
    readonly runs: number;
    readonly completed: number;
    readonly failed: number;
    readonly cancelled: number;
    readonly unfinished: number;
  };
  readonly budget: {
    /** Runs the tick could start ("max runs per tick"). */
    readonly perTick: number;
    readonly agentsSpawned: number;
    /** Agents the tenant had left today when the tick fired; null = unlimited. */
    readonly tenantLeft: number | null;
    readonly tenantDaily: number | null;
  };
  readonly runs: readonly DigestRun[];
  readonly findings: readonly DigestFindingGroup[];
  /** Findings below `min_severity`, counted but not listed. */
  readonly hiddenFindings: number;
  readonly minSeverity: Severity | null;
  readonly skipped: readonly DigestSkip[];
  /** Null when the owner's authorisation needs no word (a client's schedule, a live grant). */
  readonly authorization: DigestAuthorization | null;
  readonly coverageWindowHours: number;
  readonly overdue: readonly DigestOverdueItem[];
}
