// What `rota serve` tells about its work, at info: each tick with its selected and skipped
// counts, each run's end with its findings, each digest's delivery; and the metrics beside them.
import { formatInstant } from '../core/instant.ts';
import type { DeliveryResult } from '../core/digest-records.ts';
import type { RoundReport } from '../engine/scheduler.ts';
import type { TickSummary } from '../engine/tick-summary.ts';
import type { Metrics } from '../http/metrics.ts';
import type { Logger } from '../logger.ts';
import type { RunEnd } from '../worker/run-runner.ts';

export function logTick(logger: Logger, tick: TickSummary): void {
  logger.info(
    {
      tick_id: tick.tickId,
      schedule_id: tick.scheduleId,
      trigger: tick.trigger,
      fire_time: formatInstant(tick.fireTime),
      selected: tick.selected,
      skipped: tick.skipped,
    },
    `tick: ${tick.selected} selected, ${tick.skipped} skipped`,
  );
}

export function recordRound(metrics: Metrics, logger: Logger, report: RoundReport): void {
  const { pass, recovered, ended } = report;
  for (const lateness of pass.latenessMs) metrics.tickWritten('schedule', lateness);
  for (let i = pass.latenessMs.length; i < pass.ticks; i++) metrics.tickWritten('catchup');
  metrics.missedFireTimes(pass.missed);
  metrics.runEnded('failed', recovered.failed + ended.pastDeadline);
  for (const tick of pass.written) logTick(logger, tick);
  if (pass.missed > 0)
    logger.info({ missed: pass.missed }, 'fire times missed (see the audit trail)');
  if (recovered.requeued > 0 || recovered.failed > 0)
    logger.warn({ ...recovered }, 'runs whose worker stopped renewing its lease were recovered');
}

export function recordManualTick(metrics: Metrics, logger: Logger, tick: TickSummary): void {
  metrics.tickWritten('manual');
  logTick(logger, tick);
}

export function recordRunEnd(metrics: Metrics, logger: Logger, end: RunEnd): void {
  if (end.status === 'lease_lost') {
    logger.warn({ run_id: end.runId }, 'run: lease lost; another worker takes it over');
    return;
  }
  metrics.runEnded(end.status);
  const fields = { run_id: end.runId, status: end.status, findings: end.findings };
  const findings = `${end.findings} finding${end.findings === 1 ? '' : 's'}`;
  if (end.status === 'completed') logger.info(fields, `run completed: ${findings}`);
  else
    logger.info(
      { ...fields, error: end.errorCode },
      `run failed (${end.errorCode ?? 'unknown'}): ${findings}`,
    );
}

export function logDelivery(logger: Logger, digestId: string, result: DeliveryResult): void {
  if (result.status === 'sent')
    logger.info({ digest_id: digestId, transport: result.transport }, 'digest delivered');
  else if (result.status === 'queued')
    logger.warn(
      { digest_id: digestId, error: result.error, next_attempt_at: result.nextAttemptAt },
      'digest delivery failed; it will be tried again',
    );
  else logger.error({ digest_id: digestId, error: result.error }, 'digest delivery failed');
}
