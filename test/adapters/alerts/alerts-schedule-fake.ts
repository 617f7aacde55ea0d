/**
 * Answers the alert history's two queries for a schedule of firing minutes, as Prometheus would:
 * the raw read `ALERTS{…}[<n>ms]` at `time` (`/api/v1/query`) with every sample (one a minute, on the
 * minute) in (time − n, time], and the planning probe `sum(count_over_time(ALERTS{…}[60m]))`
 * (`/api/v1/query_range`) with the samples of the hour before each step. `alertname=~"a|b"` narrows both.
 */
import { matrixBody, type PrometheusFake, type RecordedRequest } from '../../fakes/prometheus-fake.js';

const M = 60_000;

export interface ScheduledSeries {
  labels: Record<string, string>;
  /** Firing intervals [fromMs, toMs): a sample at every whole minute in them. */
  firing: [number, number][];
}

/** Sample times (ms) of `s` in (fromMs, toMs]. */
export function samplesIn(s: ScheduledSeries, fromMs: number, toMs: number): number[] {
  const out: number[] = [];
  for (const [from, to] of s.firing) {
    for (let m = Math.max(Math.ceil(from / M), Math.floor(fromMs / M) + 1) * M; m < to && m <= toMs; m += M) out.push(m);
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

const selected = (query: string, schedule: readonly ScheduledSeries[]) => {
  const names = /alertname=~"([^"]*)"/.exec(query)?.[1].split('|');
  return schedule.filter((s) => !names || names.includes(s.labels.alertname));
};

export function answerAlerts(req: RecordedRequest, schedule: readonly ScheduledSeries[]): unknown {
  const query = req.params.get('query') ?? '';
  const series = selected(query, schedule);
  if (req.path === '/api/v1/query') {
    const time = Number(req.params.get('time')) * 1000;
    const windowMs = Number(/\[(\d+)ms\]$/.exec(query)![1]);
    return matrixBody(series.flatMap((s) => {
      const ts = samplesIn(s, time - windowMs, time);
      return ts.length ? [{ metric: { ...s.labels, alertstate: 'firing' }, values: ts.map((t) => [t / 1000, 1] as [number, number]) }] : [];
    }));
  }
  const start = Number(req.params.get('start'));
  const end = Number(req.params.get('end'));
  const step = Number(req.params.get('step'));
  const values: [number, number][] = [];
  for (let t = start; t <= end; t += step) {
    const n = series.reduce((sum, s) => sum + samplesIn(s, t * 1000 - 3_600_000, t * 1000).length, 0);
    if (n > 0) values.push([t, n]);
  }
  return matrixBody(values.length ? [{ metric: {}, values }] : []);
}

/** Both routes of the fake answered from the schedule. */
export function routeAlerts(fake: PrometheusFake, schedule: readonly ScheduledSeries[]): void {
  fake.route('/api/v1/query', (req) => ({ body: answerAlerts(req, schedule) }));
  fake.route('/api/v1/query_range', (req) => ({ body: answerAlerts(req, schedule) }));
}

/** Raw reads among the fake's requests. */
export const rawReads = (fake: PrometheusFake): RecordedRequest[] => fake.requests.filter((r) => r.path === '/api/v1/query');

/** The window (fromMs, toMs] a raw read asked for. */
export function readWindow(r: RecordedRequest): { fromMs: number; toMs: number } {
  const toMs = Number(r.params.get('time')) * 1000;
  return { fromMs: toMs - Number(/\[(\d+)ms\]$/.exec(r.params.get('query') ?? '')![1]), toMs };
}
