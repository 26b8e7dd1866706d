// The Prometheus metrics this process exposes at /metrics. Counters count what happened in this
// process since it started (Prometheus sums them across replicas); the engine and the worker
// report through callbacks wired in main.ts, so neither of them knows about Prometheus.
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  tickWritten(trigger: 'schedule' | 'catchup' | 'manual', latenessMs?: number): void;
  missedFireTimes(count: number): void;
  runEnded(status: 'completed' | 'failed', count?: number): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'rota_' });
  const ticks = new Counter({
    name: 'rota_ticks_total',
    help: 'Ticks written by this process, by trigger.',
    labelNames: ['trigger'],
    registers: [registry],
  });
  const runs = new Counter({
    name: 'rota_runs_total',
    help: 'Runs that ended in this process, by final status.',
    labelNames: ['status'],
    registers: [registry],
  });
  const missed = new Counter({
    name: 'rota_missed_fire_times_total',
    help: 'Fire times recorded as missed instead of ticked (downtime, catch-up policy, overlap).',
    registers: [registry],
  });
  const lateness = new Histogram({
    name: 'rota_fire_lateness_seconds',
    help: 'How long after its fire time an on-time tick was written.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  // Every label value shows from the start, so a dashboard's rate() has a baseline of 0.
  for (const trigger of ['schedule', 'catchup', 'manual']) ticks.labels(trigger).inc(0);
  for (const status of ['completed', 'failed']) runs.labels(status).inc(0);
  return {
    registry,
    tickWritten(trigger, latenessMs) {
      ticks.labels(trigger).inc();
      if (latenessMs !== undefined) lateness.observe(Math.max(0, latenessMs) / 1000);
    },
    missedFireTimes(count) {
      if (count > 0) missed.inc(count);
    },
    runEnded(status, count = 1) {
      if (count > 0) runs.labels(status).inc(count);
    },
  };
}
