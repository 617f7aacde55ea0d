import { Gauge, Pushgateway, Registry } from 'prom-client';
import type { JobResult } from './run-job.js';

export interface PushJobMetricsOptions {
  /** Pushgateway base URL, e.g. http://prometheus-pushgateway.monitoring:9091. */
  url: string;
  job: string;
  /** Grouping key so shards of one Indexed Job do not overwrite each other. */
  instance: string;
  result: JobResult;
  startedAtMs: number;
  finishedAtMs: number;
  timeoutMs?: number;
}

/** The kinds of part the jobs fail (`group:g1:symptom` is a group); any other is counted as `other`. */
const FAILURE_KINDS = ['cluster', 'signal', 'sink', 'shard', 'job', 'group', 'proposal', 'evidence', 'topology', 'changes', 'source', 'store', 'operation', 'feedback', 'other'];

/** `cluster:x` → `cluster`: failures are counted by kind, never by name (bounded label values). */
function failureKind(part: string): string {
  const kind = part.split(':')[0] || 'job';
  return FAILURE_KINDS.includes(kind) ? kind : 'other';
}

function itemsOf(summary: Record<string, unknown>): number {
  for (const key of ['itemsProcessed', 'series', 'groups', 'proposals', 'clusters']) if (typeof summary[key] === 'number') return summary[key] as number;
  return 0;
}

/**
 * Push the run's health to a Pushgateway (POST = pushAdd): the last-success gauge is only sent on
 * success, so a failed run leaves the previous success time in place and the staleness alert fires.
 */
export async function pushJobMetrics(opts: PushJobMetricsOptions): Promise<void> {
  const registry = new Registry();
  const gauge = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers: [registry] });
  gauge('fleetops_job_last_run_timestamp_seconds', 'End of the last run, success or not').set(opts.finishedAtMs / 1000);
  gauge('fleetops_job_duration_seconds', 'Duration of the last run').set((opts.finishedAtMs - opts.startedAtMs) / 1000);
  gauge('fleetops_job_exit_code', 'Exit code of the last run (0 ok, 1 part failed, 2 bad config)').set(opts.result.exitCode);
  gauge('fleetops_job_items_processed', 'Items (series, groups, proposals) the last run processed').set(itemsOf(opts.result.summary));
  const failures = gauge('fleetops_job_failures', 'Failed parts of the last run by kind', ['kind']);
  const counts = new Map<string, number>();
  for (const f of opts.result.failures) counts.set(failureKind(f.part), (counts.get(failureKind(f.part)) ?? 0) + 1);
  for (const kind of FAILURE_KINDS) failures.set({ kind }, counts.get(kind) ?? 0);
  if (opts.result.exitCode === 0) gauge('fleetops_job_last_success_timestamp_seconds', 'End of the last successful run').set(opts.finishedAtMs / 1000);
  const gateway = new Pushgateway(opts.url.replace(/\/$/, ''), { timeout: opts.timeoutMs ?? 10_000 }, registry);
  // a grouping value may not contain '/' in the Pushgateway URL path: shard 0/2 becomes 0of2
  await gateway.pushAdd({ jobName: opts.job, groupings: { instance: opts.instance.replace(/\//g, 'of') } });
}
