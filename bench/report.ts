/**
 * The weekly on-call report job end to end at fleet scale, on the embedded defaults (simulated fleet
 * and its alert history, SQLite store, outbox chat, file documents, template highlights: no LLM):
 * `tsx bench/report.ts [--clusters 1400] [--json]`.
 * 1. setup (not timed): a simulated range of `--days` (14: the report week and the week before it,
 *    whose alert episodes the report compares with); the store as the daily pipeline leaves it for the
 *    report week (bench/report/pipeline-setup.ts: the scan CLI's shards and finalize over the week,
 *    then the digest CLI for each of its days); `--threads` on-call threads in the outbox channel
 *    (default one per 20 clusters). The handoff is put at the simulated end, as the demo does.
 *    `--store-db FILE` keeps that store and reuses it on later runs of the same fleet;
 * 2. the report job once, in this process, as `fleetops report` runs it, on a fresh copy of that
 *    store: wall time, CPU time, peak RSS (of this process: setup ran elsewhere), alert episodes in,
 *    rows out, and its phases, timed around the alert history, store, chat and docs it is given.
 * `fingerprint` hashes the report model and the document model, so a change that must not alter the
 * report can be checked at scale. `--cpu-profile FILE` writes a V8 profile of the job.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runJobCommand } from '../src/cli/job-runner.js';
import { fixedClock } from '../src/core/clock.js';
import { renderMarkdown } from '../src/reporting/render-markdown.js';
import { alertTrendSvg } from '../src/reporting/report/alert-trend-chart.js';
import { templateHighlights } from '../src/reporting/report/highlights.js';
import { renderChartPng } from '../src/reporting/report/render-chart-png.js';
import { reportDocModel, reportTitle } from '../src/reporting/report/report-doc.js';
import { oncallReportJob, type OncallReportResult } from '../src/report/oncall-report-job.js';
import { ReportConfig } from '../src/report/report-config.js';
import { reportLinks } from '../src/report/report-links.js';
import { createSimulatedFleet } from '../src/simulator/index.js';
import { cpuProfile, instant, type Phase } from './digest/instrument.js';
import { instrumentReportAdapters, ReportRecorder, reportPhases, type AlertCapture } from './report/instrument.js';
import { seedOncallThreads } from './report/oncall-threads.js';
import { reuseStore } from './digest/scan-setup.js';
import { pipelineIntoStore, type PipelineSetup } from './report/pipeline-setup.js';

const DAY_MS = 86_400_000;
const { values: args } = parseArgs({ options: {
  clusters: { type: 'string', default: '1400' }, seed: { type: 'string', default: '1' }, end: { type: 'string', default: '2026-12-01T00:00:00Z' },
  days: { type: 'string', default: '14' }, threads: { type: 'string' }, shards: { type: 'string', default: String(Math.max(1, Math.min(4, availableParallelism()))) },
  'store-db': { type: 'string' }, 'no-pipeline': { type: 'boolean' }, 'cpu-profile': { type: 'string' }, json: { type: 'boolean' },
} });
const wholeAtLeast = (name: string, raw: string | undefined, min: number): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name}: expected a whole number ≥ ${min}, found ${JSON.stringify(raw)}`);
  return n;
};
const clusters = wholeAtLeast('clusters', args.clusters, 1);
const days = wholeAtLeast('days', args.days, 7);
const threads = wholeAtLeast('threads', args.threads ?? String(Math.round(clusters / 20)), 0);
const endMs = Date.parse(args.end);
if (Number.isNaN(endMs) || endMs % 60_000 !== 0) throw new Error(`--end: expected an ISO 8601 time on a whole minute, found ${JSON.stringify(args.end)}`);
const endIso = new Date(endMs).toISOString();
const week = { startMs: endMs - 7 * DAY_MS, endMs };
const weekDays = Array.from({ length: 7 }, (_, i) => new Date(week.startMs + i * DAY_MS).toISOString().slice(0, 10));

const out = mkdtempSync(join(tmpdir(), 'fleetops-bench-report-'));
/** The demo's environment for this fleet, the handoff at the simulated end (as `fleetops demo` puts it). */
const env: NodeJS.ProcessEnv = {
  ...process.env, FLEETOPS__OUTDIR: out, FLEETOPS__LOGLEVEL: 'warn', FLEETOPS__SCAN__LOOKBACKHOURS: '168',
  FLEETOPS__SIMULATOR__CLUSTERS: String(clusters), FLEETOPS__SIMULATOR__SEED: args.seed, FLEETOPS__SIMULATOR__ENDTIME: endIso, FLEETOPS__SIMULATOR__DAYS: String(days),
  FLEETOPS__REPORT__HANDOFF__WEEKDAY: new Date(endMs).toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' }).toLowerCase(),
  FLEETOPS__REPORT__HANDOFF__TIME: endIso.slice(11, 16), FLEETOPS__REPORT__HANDOFF__TIMEZONE: 'UTC',
};
const dbFile = join(out, 'fleetops.db');
/** What a kept store was made from: reusing it for another fleet would report the wrong week. */
const made = JSON.stringify({ clusters, seed: args.seed, end: endIso, days });

async function setupStore(): Promise<PipelineSetup | { reused: string } | { pipeline: false }> {
  if (args['no-pipeline']) return { pipeline: false };
  const cached = args['store-db'];
  if (cached && reuseStore('--store-db', cached, dbFile, made)) return { reused: cached };
  const s = await pipelineIntoStore(env, endIso, wholeAtLeast('shards', args.shards, 1), weekDays);
  if (cached) {
    copyFileSync(dbFile, cached);
    writeFileSync(`${cached}.json`, made);
  }
  return s;
}

/** On-call threads over the week, naming the simulated fleet's own alerts and clusters. */
function seedThreads(): number {
  if (threads === 0) return 0;
  const fleet = createSimulatedFleet({ seed: Number(args.seed), clusters, days, endMs });
  const names = [...new Set(fleet.alerts(week).map((e) => e.alertname))].sort();
  return seedOncallThreads(join(out, 'slack'), '#fleet-oncall', { count: threads, week, alertnames: names.length ? names : ['KubePodNotReady'], clusters: fleet.clusters.map((c) => c.id), seed: Number(args.seed) });
}

/** The report job as `fleetops report` runs it (run record, adapters, store closed after), its dependencies timed. */
async function runReport(rec: ReportRecorder, capture: AlertCapture) {
  let result: OncallReportResult | undefined;
  let span: { start: ReturnType<typeof instant>; end: ReturnType<typeof instant> } | undefined;
  let links: ReturnType<typeof reportLinks> | undefined;
  const job = await runJobCommand('oncall-report', { values: {}, positionals: [] }, { env, stdout: () => undefined, stderr: () => undefined, isTty: false, clock: fixedClock(endMs + 6 * 3_600_000) }, async (app, adapters, ctx) => {
    // as reportCommand: the config section, then the simulated fleet built for "now" before the job body
    const config = ReportConfig.parse((app.config as { report?: unknown }).report ?? {});
    const nowMs = app.config.metrics.kind === 'simulator' ? adapters.fleet().rangeMs.endMs : app.clock.nowMs();
    const a = instrumentReportAdapters(rec, adapters, capture);
    links = reportLinks(config.links);
    const start = instant();
    result = await oncallReportJob({
      alerts: a.alerts(), chat: a.chat(), docs: a.docs(), store: await a.store(), config, oncallChannel: app.config.chat.slack.oncallChannel, links,
    }, ctx, { nowMs });
    span = { start, end: instant() };
    return { ...result.summary };
  });
  return { job, result, span, links, commandEnd: instant() };
}

/** The report and document models: what the Doc, the Slack message and the chart are made from. */
function fingerprint(r: OncallReportResult): string {
  return createHash('sha256').update(JSON.stringify(r.report)).update('\u0000').update(JSON.stringify(r.doc)).digest('hex').slice(0, 16);
}

/** The job's pure renderers timed again on its own result (once each, after the run): a split of `compute` and `chart`. */
function renderTimes(r: OncallReportResult, links: ReturnType<typeof reportLinks>): Record<string, number> {
  const t = <T>(fn: () => T): [T, number] => {
    const t0 = performance.now();
    const v = fn();
    return [v, performance.now() - t0];
  };
  const [svg, svgMs] = t(() => alertTrendSvg(r.report.alerts, `Alert episodes per day: ${reportTitle(r.report).replace(/^On-call report: /, '')}`));
  const [, docMs] = t(() => reportDocModel(r.report, { text: templateHighlights(r.report), source: 'template' }, svg, links));
  const [, mdMs] = t(() => renderMarkdown(r.doc));
  const [, pngMs] = t(() => renderChartPng(svg));
  return { alertTrendSvgMs: svgMs, reportDocModelMs: docMs, renderMarkdownMs: mdMs, renderChartPngMs: pngMs };
}

try {
  const setup = await setupStore();
  const threadMessages = seedThreads();
  const rec = new ReportRecorder();
  const capture: AlertCapture = { calls: [] };
  const profiler = await cpuProfile(args['cpu-profile']);
  const commandStart = instant();
  const { job, result, span, links, commandEnd } = await runReport(rec, capture);
  const wallSeconds = (commandEnd.wallMs - commandStart.wallMs) / 1000;
  const cpuSeconds = (commandEnd.cpuMs - commandStart.cpuMs) / 1000;
  const peakRssMB = process.resourceUsage().maxRSS / 1024;
  await profiler.stop();
  if (!result || !span || !links) throw new Error(`report failed (exit ${job.exitCode}): ${job.failures.map((f) => `${f.part}: ${f.message}`).join('; ')}`);
  const stages: Phase[] = [
    { name: 'startup', what: 'config, adapters, store open, run record, simulated fleet built', wallMs: span.start.wallMs - commandStart.wallMs, cpuMs: span.start.cpuMs - commandStart.cpuMs },
    ...reportPhases(rec, span.start, span.end),
    { name: 'close', what: 'run record, store closed', wallMs: commandEnd.wallMs - span.end.wallMs, cpuMs: commandEnd.cpuMs - span.end.cpuMs },
  ];
  const { report, doc, summary } = result;
  const markdown = renderMarkdown(doc);
  const rowsOut = {
    noisiest: report.alerts.noisiest.length, rules: report.alerts.rules.length, flapping: report.alerts.flapping.length, byCluster: report.alerts.byCluster.length,
    tuningCandidates: report.tuningCandidates.length, firingAtHandoff: report.firing?.length ?? 0, incidents: report.incidents?.length ?? 0,
    openInvestigations: report.threads?.open.length ?? 0, docBlocks: doc.blocks.length, markdownBytes: Buffer.byteLength(markdown),
  };
  const out = {
    fleet: { clusters, seed: Number(args.seed), end: endIso, days, week: summary.week, threadMessages },
    setup: 'seconds' in setup ? { seconds: setup.seconds, scanSeconds: setup.scanSeconds, shards: setup.shards, exitCodes: setup.exitCodes, digestDays: setup.digestDays } : setup,
    exitCode: job.exitCode, failures: job.failures.map((f) => `${f.part}: ${f.message}`),
    wallSeconds, jobSeconds: (span.end.wallMs - span.start.wallMs) / 1000, cpuSeconds, peakRssMB,
    alertEpisodesIn: { returned: capture.calls.map((c) => c.episodes.length), thisWeek: summary.alertEpisodes, lastWeek: summary.previousAlertEpisodes, grouped: report.groupedAlerts },
    storeIn: { incidentsStarted: report.incidents?.length, findings: report.findings?.total, proposals: report.remediation?.proposed, threads: report.threads?.total },
    rowsOut, stages, calls: Object.fromEntries([...rec.calls].sort((a, b) => b[1].ms - a[1].ms)),
    renders: renderTimes(result, links),
    fingerprint: fingerprint(result),
  };
  if (args.json) console.log(JSON.stringify(out));
  else {
    const s = (ms: number) => (ms / 1000).toFixed(2).padStart(7);
    const st = out.setup;
    console.log(`fleet: ${clusters} simulated clusters (seed ${out.fleet.seed}, ${days} days to ${endIso}), report week ${summary.week}; ${'seconds' in st ? `store setup ${st.seconds.toFixed(0)} s (scan ${st.scanSeconds.toFixed(0)} s in ${st.shards} shards, ${st.digestDays.length} digests; exit ${st.exitCodes.join(',')})` : 'reused' in st ? `store reused from ${st.reused}` : 'empty store (--no-pipeline)'}; ${threadMessages} on-call messages`);
    console.log(`report: ${wallSeconds.toFixed(2)} s wall (job body ${out.jobSeconds.toFixed(2)} s), ${cpuSeconds.toFixed(2)} s CPU, peak RSS ${peakRssMB.toFixed(0)} MB, exit ${job.exitCode} (${job.failures.length} failures)`);
    console.log(`alert episodes in: ${out.alertEpisodesIn.returned.join(' + ')} returned, ${summary.alertEpisodes} this week (last week ${summary.previousAlertEpisodes}), ${report.groupedAlerts} grouped; store: ${out.storeIn.incidentsStarted ?? '-'} incidents, ${out.storeIn.findings ?? '-'} findings, ${out.storeIn.proposals ?? '-'} proposals; ${out.storeIn.threads ?? '-'} threads`);
    console.log(`rows out: ${Object.entries(rowsOut).map(([k, v]) => `${k} ${v}`).join(', ')}; fingerprint ${out.fingerprint}`);
    console.log('stage        wall s    CPU s');
    for (const p of stages) console.log(`${p.name.padEnd(10)} ${s(p.wallMs)}  ${s(p.cpuMs)}   ${p.what}`);
    console.log('calls: count, time summed from call to settle (calls in flight together each count it), most in flight at once');
    for (const [name, c] of [...rec.calls].sort((a, b) => b[1].ms - a[1].ms).slice(0, 14)) console.log(`  ${name.padEnd(34)} ${String(c.calls).padStart(6)} × ${s(c.ms)} s  ≤${c.maxInFlight}`);
    console.log(`renders (timed again after the run): ${Object.entries(out.renders).map(([k, v]) => `${k.replace(/Ms$/, '')} ${v.toFixed(0)} ms`).join(', ')}`);
  }
} finally {
  // the outbox brings a large channel's snapshot and preview up to date just after the calls: let it, then remove
  await new Promise((resolve) => setImmediate(resolve));
  rmSync(out, { recursive: true, force: true });
}
