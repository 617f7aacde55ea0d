/**
 * The weekly report's alert history read from a real Prometheus (promtool backfill, as in
 * test/support/prometheus.ts): `tsx bench/report/alert-history-prometheus.ts [--clusters 7000]`.
 * ALERTS is written as rule evaluation writes it, one sample a minute while an alert fires, for the
 * simulated fleet's episodes over 14 days, and `--always-firing K` adds a Watchdog-like alert that
 * fires the whole time (and `--lookback-days` + 5 days before) on K clusters. The report job then runs
 * on it (outbox, file documents, in-memory store; the alert history only from Prometheus) and every
 * query is recorded: steps (range queries) or window (raw reads), series and samples answered, bytes, status.
 * `--max-samples` is Prometheus' `--query.max-samples` (default 50,000,000); `--budget` the adapter's
 * maxSamplesPerQuery (default 5,000,000). To read K always-firing series as if they were 7,000, scale
 * both by K/7,000. `fingerprint` hashes the report and document models, as bench/report.ts does.
 */
import { createWriteStream, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { createPrometheusAlertHistory } from '../../src/adapters/alerts/prometheus/index.js';
import { createOutboxChat } from '../../src/adapters/chat/outbox/index.js';
import { createFileDocWriter } from '../../src/adapters/docs/files/index.js';
import { createStore } from '../../src/adapters/store/index.js';
import { fixedClock } from '../../src/core/clock.js';
import { runJob } from '../../src/core/run-job.js';
import { oncallReportJob, type OncallReportResult } from '../../src/report/oncall-report-job.js';
import { ReportConfig } from '../../src/report/report-config.js';
import { createSimulatedFleet } from '../../src/simulator/index.js';
import { backfillOpenMetricsFile, startTestPrometheus, tempPrometheusDir } from '../../test/support/prometheus.js';
import { instant } from '../digest/instrument.js';

const MIN = 60_000;
const DAY = 1440 * MIN;
const { values: args } = parseArgs({ options: {
  clusters: { type: 'string', default: '7000' }, seed: { type: 'string', default: '1' }, end: { type: 'string', default: '2026-12-01T00:00:00Z' },
  'always-firing': { type: 'string', default: '0' }, 'lookback-days': { type: 'string', default: '30' },
  'max-samples': { type: 'string', default: '50000000' }, budget: { type: 'string' }, json: { type: 'boolean' },
} });
const num = (name: string, raw: string | undefined, min: number) => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name}: expected a whole number ≥ ${min}, found ${JSON.stringify(raw)}`);
  return n;
};
const clusters = num('clusters', args.clusters, 0);
const always = num('always-firing', args['always-firing'], 0);
const lookbackDays = num('lookback-days', args['lookback-days'], 1);
const maxSamples = num('max-samples', args['max-samples'], 1000);
const budget = args.budget === undefined ? undefined : num('budget', args.budget, 1000);
const endMs = Date.parse(args.end);
const EVAL_OFFSET_MS = 13_000;

const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labelText = (labels: Record<string, string>) => Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}="${esc(v)}"`).join(',');

/** ALERTS series: label text → sorted sample times (ms), one a minute (+13 s) while firing. */
function alertSeries(): Map<string, number[]> {
  const series = new Map<string, Set<number>>();
  const add = (labels: Record<string, string>, fromMs: number, toMs: number) => {
    const key = labelText(labels);
    const set = series.get(key) ?? new Set<number>();
    for (let t = Math.ceil((fromMs - EVAL_OFFSET_MS) / MIN) * MIN + EVAL_OFFSET_MS; t < toMs; t += MIN) set.add(t);
    series.set(key, set);
  };
  if (clusters > 0) {
    const fleet = createSimulatedFleet({ seed: Number(args.seed), clusters, days: 14, endMs });
    for (const e of fleet.alerts(fleet.rangeMs)) add({ ...e.labels, alertname: e.alertname, alertstate: 'firing', cluster: e.cluster, severity: e.severity }, e.startMs, e.endMs);
  }
  for (let i = 0; i < always; i++) add({ alertname: 'Watchdog', alertstate: 'firing', cluster: `always-${String(i).padStart(5, '0')}`, severity: 'none' }, endMs - (14 + lookbackDays + 5) * DAY, endMs);
  return new Map([...series].map(([k, s]) => [k, [...s].sort((a, b) => a - b)]));
}

async function backfill(): Promise<{ dir: string; series: number; samples: number; seconds: number }> {
  const t0 = performance.now();
  const dir = tempPrometheusDir();
  const file = join(dir, 'data.om');
  const out = createWriteStream(file);
  let samples = 0;
  const all = alertSeries();
  out.write('# TYPE ALERTS gauge\n');
  for (const [labels, times] of all) {
    let chunk = '';
    for (const t of times) {
      chunk += `ALERTS{${labels}} 1 ${t / 1000}\n`;
      if (chunk.length > 1 << 16) {
        if (!out.write(chunk)) await once(out, 'drain');
        chunk = '';
      }
    }
    out.write(chunk);
    samples += times.length;
  }
  out.end('# EOF\n');
  await once(out, 'finish');
  backfillOpenMetricsFile(file, dir);
  return { dir, series: all.size, samples, seconds: (performance.now() - t0) / 1000 };
}

interface QueryRecord { query: string; steps: number; windowMinutes?: number; status: number; bytes: number; series: number; samples: number; ms: number }

/** fetch that records each query_range call: its grid, the answer's size and shape. */
function recordingFetch(records: QueryRecord[]): typeof fetch {
  return async (url, init) => {
    const t0 = performance.now();
    const res = await fetch(url, init);
    const body = new Uint8Array(await res.arrayBuffer());
    const form = new URLSearchParams(String(init?.body ?? ''));
    // a range query's steps; a raw read (instant query of a range) has none: its window in minutes instead
    const raw = String(url).endsWith('/api/v1/query');
    const steps = raw ? 0 : Math.floor((Number(form.get('end')) - Number(form.get('start'))) / Number(form.get('step'))) + 1;
    const windowMinutes = raw ? Number(/\[(\d+)ms\]$/.exec(form.get('query') ?? '')?.[1] ?? 0) / 60_000 : undefined;
    let series = 0;
    let samples = 0;
    if (res.ok && body.byteLength < 256 * 1024 * 1024) {
      const parsed = JSON.parse(Buffer.from(body).toString('utf8')) as { data?: { result?: { values?: unknown[] }[] } };
      series = parsed.data?.result?.length ?? 0;
      samples = parsed.data?.result?.reduce((s, r) => s + (r.values?.length ?? 0), 0) ?? 0;
    }
    records.push({ query: form.get('query') ?? '', steps, windowMinutes, status: res.status, bytes: body.byteLength, series, samples, ms: performance.now() - t0 });
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

const data = await backfill();
const prom = await startTestPrometheus(data.dir, [`--query.max-samples=${maxSamples}`]);
const work = tempPrometheusDir();
try {
  const records: QueryRecord[] = [];
  const logged = new Map<string, number>();
  const logger = pino({ level: 'info' }, { write: (line: string) => { const msg = (JSON.parse(line) as { msg: string }).msg; logged.set(msg, (logged.get(msg) ?? 0) + 1); } });
  const clock = fixedClock(endMs + 6 * 3_600_000);
  const end = new Date(endMs);
  const alerts = createPrometheusAlertHistory({
    baseUrl: prom.url, fetch: recordingFetch(records), logger, clock, stepSeconds: 60, maxLookbackDays: lookbackDays, timeoutMs: 600_000,
    ...(budget === undefined ? {} : { maxSamplesPerQuery: budget }),
  });
  const store = await createStore({ kind: 'sqlite', path: ':memory:' });
  await store.migrate();
  const config = ReportConfig.parse({ handoff: { weekday: end.toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' }).toLowerCase(), time: end.toISOString().slice(11, 16), timeZone: 'UTC' } });
  let result: OncallReportResult | undefined;
  const t0 = instant();
  const job = await runJob({ job: 'oncall-report', logger, clock, deadlineSeconds: 3600, store }, async (ctx) => {
    result = await oncallReportJob({ alerts, chat: createOutboxChat({ dir: join(work, 'slack'), clock }), docs: createFileDocWriter({ dir: join(work, 'docs') }), store, config, oncallChannel: '#fleet-oncall' }, ctx, { nowMs: endMs });
    return { ...result.summary };
  });
  const t1 = instant();
  await store.close();
  const alertQueries = records.filter((r) => r.query.includes('ALERTS'));
  const out = {
    data: { clusters, alwaysFiring: always, series: data.series, samples: data.samples, backfillSeconds: data.seconds, maxSamples, budget },
    exitCode: job.exitCode, failures: job.failures.map((f) => `${f.part}: ${f.message}`),
    wallSeconds: (t1.wallMs - t0.wallMs) / 1000, cpuSeconds: (t1.cpuMs - t0.cpuMs) / 1000, peakRssMB: process.resourceUsage().maxRSS / 1024,
    episodes: result && { thisWeek: result.summary.alertEpisodes, lastWeek: result.summary.previousAlertEpisodes, firingAtHandoff: result.report.firing?.length },
    queries: {
      count: alertQueries.length, refused: alertQueries.filter((r) => r.status !== 200).length, maxSteps: Math.max(0, ...alertQueries.map((r) => r.steps)),
      maxSeries: Math.max(0, ...alertQueries.map((r) => r.series)), maxSamples: Math.max(0, ...alertQueries.map((r) => r.samples)),
      samples: alertQueries.reduce((s, r) => s + r.samples, 0), megabytes: alertQueries.reduce((s, r) => s + r.bytes, 0) / 1e6, seconds: alertQueries.reduce((s, r) => s + r.ms, 0) / 1000,
    },
    logged: Object.fromEntries(logged),
    fingerprint: result && createHash('sha256').update(JSON.stringify(result.report)).update('\u0000').update(JSON.stringify(result.doc)).digest('hex').slice(0, 16),
    perQuery: alertQueries.map((r) => ({ q: r.query.length > 80 ? `${r.query.slice(0, 77)}...` : r.query, steps: r.steps, windowMinutes: r.windowMinutes, status: r.status, series: r.series, samples: r.samples, mb: +(r.bytes / 1e6).toFixed(2), s: +(r.ms / 1000).toFixed(2) })),
  };
  if (args.json) console.log(JSON.stringify(out));
  else console.log(JSON.stringify(out, null, 1));
} finally {
  await prom.stop();
  rmSync(work, { recursive: true, force: true });
}
