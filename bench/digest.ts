/**
 * The availability-digest job end to end at fleet scale, on the embedded defaults (simulated
 * metrics, events, logs and changes, SQLite store, file outbox, template narratives: no LLM):
 * `tsx bench/digest.ts [--clusters 1400] [--json]`.
 * 1. setup (not timed): the day's findings as the daily pipeline makes them, the scan CLI's shards
 *    in child processes then its finalize step (`simulator.clusters` = --clusters, the demo's 48 h
 *    lookback); `--scan-db FILE` keeps that store and reuses it on later runs of the same fleet;
 * 2. the digest job once, in this process, on a fresh copy of that store: wall time, CPU time, peak
 *    RSS (of this process: the scan ran elsewhere), findings in, groups out, and its phases, timed
 *    around the engine, ports, store and sinks it is given (what they do is unchanged).
 * `--noise-per-cluster F` adds F × clusters synthetic background findings (bench/digest/synthetic-day.ts)
 * to the day in this run's copy of the store: a busier day than the simulator's handful of incidents.
 * `--cpu-profile FILE` writes a V8 profile of the job. `fingerprint` hashes the groups, RCA results
 * and narratives, so a change that must not alter the digest can be checked at scale. `document`: the
 * digest document as Google Docs would receive it (characters, batchUpdate requests; doc-stats.ts).
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runJobCommand } from '../src/cli/job-runner.js';
import { fixedClock } from '../src/core/clock.js';
import { availabilityDigestJob, type DigestSummary } from '../src/digest/availability-digest-job.js';
import { createDefaultDigestEngine } from '../src/digest/default-digest-engine.js';
import type { DigestIncidentGroup, DigestRcaResult } from '../src/digest/rca-contract.js';
import type { DocModel } from '../src/reporting/doc-model.js';
import { captureDocs, docStats } from './digest/doc-stats.js';
import { cpuProfile, instant, instrumentAdapters, instrumentEngine, phases, Recorder, type Phase } from './digest/instrument.js';
import { reuseStore, scanIntoStore, type ScanSetup } from './digest/scan-setup.js';

const { values: args } = parseArgs({ options: {
  clusters: { type: 'string', default: '1400' }, seed: { type: 'string', default: '1' }, end: { type: 'string', default: '2026-12-01T00:00:00Z' },
  'lookback-hours': { type: 'string', default: '48' }, shards: { type: 'string', default: String(Math.max(1, Math.min(4, availableParallelism()))) }, 'scan-db': { type: 'string' },
  'noise-per-cluster': { type: 'string', default: '0' }, 'cpu-profile': { type: 'string' }, json: { type: 'boolean' },
} });
const clusters = Number(args.clusters);
if (!Number.isInteger(clusters) || clusters < 1) throw new Error(`--clusters: expected a whole number ≥ 1, found ${JSON.stringify(args.clusters)}`);
const endMs = Date.parse(args.end);
if (Number.isNaN(endMs)) throw new Error(`--end: expected an ISO 8601 time, found ${JSON.stringify(args.end)}`);
const noise = Math.round(clusters * Number(args['noise-per-cluster']));
if (!(noise >= 0)) throw new Error(`--noise-per-cluster: expected a number ≥ 0, found ${JSON.stringify(args['noise-per-cluster'])}`);

const out = mkdtempSync(join(tmpdir(), 'fleetops-bench-digest-'));
/** The demo's environment for this fleet: every port on the simulator, the store in `out`. */
const env: NodeJS.ProcessEnv = {
  ...process.env, FLEETOPS__OUTDIR: out, FLEETOPS__LOGLEVEL: 'warn', FLEETOPS__SCAN__LOOKBACKHOURS: args['lookback-hours'],
  FLEETOPS__SIMULATOR__CLUSTERS: String(clusters), FLEETOPS__SIMULATOR__SEED: args.seed, FLEETOPS__SIMULATOR__ENDTIME: new Date(endMs).toISOString(),
};
const dbFile = join(out, 'fleetops.db');

/** What a kept scan store was made from: reusing it for another fleet would digest the wrong findings. */
const made = JSON.stringify({ clusters, seed: args.seed, end: new Date(endMs).toISOString(), lookbackHours: args['lookback-hours'] });

async function setup(): Promise<ScanSetup | undefined> {
  const cached = args['scan-db'];
  if (reuseStore('--scan-db', cached, dbFile, made)) return undefined;
  const s = await scanIntoStore(env, new Date(endMs).toISOString(), Number(args.shards));
  if (cached) {
    copyFileSync(dbFile, cached);
    writeFileSync(`${cached}.json`, made);
  }
  return s;
}

/** `--noise-per-cluster`: background findings added to this run's copy of the store, in a child process. */
function addNoise(): void {
  if (noise === 0) return;
  const res = spawnSync(process.execPath, [...process.execArgv, join(import.meta.dirname, 'digest', 'add-noise.ts'), dbFile, String(noise), String(clusters), args.seed, new Date(endMs).toISOString()], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`--noise-per-cluster: adding ${noise} findings failed (exit ${res.status}): ${res.stderr.slice(-2000)}`);
}

interface Captured { groups: DigestIncidentGroup[]; rcas: Map<string, DigestRcaResult>; docs: DocModel[] }

/** The digest job as `fleetops digest` runs it (run record, adapters, store closed after), its dependencies timed. */
async function runDigest(rec: Recorder, captured: Captured) {
  let summary: DigestSummary | undefined;
  let span: { start: ReturnType<typeof instant>; end: ReturnType<typeof instant> } | undefined;
  const engine = createDefaultDigestEngine();
  const timed = instrumentEngine(rec, {
    ...engine,
    correlate: (f, c, o) => (captured.groups = engine.correlate(f, c, o)),
    analyseGroup: (g, e, c) => { const r = engine.analyseGroup(g, e, c); captured.rcas.set(g.id, r); return r; },
  });
  const result = await runJobCommand('availability-digest', { values: {}, positionals: [] }, { env, stdout: () => undefined, stderr: () => undefined, isTty: false, clock: fixedClock(endMs + 6 * 3_600_000) }, async (app, adapters, ctx) => {
    // as digestCommand: the simulated fleet is built for the data's end before the job body starts
    const digestEnd = app.config.metrics.kind === 'simulator' ? adapters.fleet().rangeMs.endMs : app.clock.nowMs();
    const start = instant();
    summary = await availabilityDigestJob(instrumentAdapters(rec, captureDocs(adapters, captured.docs)), ctx, { endMs: digestEnd, engine: timed });
    span = { start, end: instant() };
    return summary;
  });
  return { result, summary, span, commandEnd: instant() };
}

/** Groups, RCA results and narratives, as the store holds them after the run. */
async function fingerprint(captured: Captured): Promise<string> {
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(dbFile, { readonly: true });
  const narratives = db.prepare('SELECT group_id, body FROM rcas ORDER BY group_id').all() as { group_id: string; body: string }[];
  db.close();
  const h = createHash('sha256');
  for (const g of [...captured.groups].sort((a, b) => a.id.localeCompare(b.id))) {
    h.update(JSON.stringify({ ...g, findings: g.findings.map((f) => f.id) }));
    h.update(JSON.stringify(captured.rcas.get(g.id) ?? null));
  }
  for (const n of narratives) h.update(`${n.group_id}\u0000${JSON.stringify((JSON.parse(n.body) as { narrative?: unknown }).narrative ?? null)}`);
  return h.digest('hex').slice(0, 16);
}

try {
  const scan = await setup();
  addNoise();
  const rec = new Recorder();
  const captured: Captured = { groups: [], rcas: new Map(), docs: [] };
  const profiler = await cpuProfile(args['cpu-profile']);
  const commandStart = instant();
  const { result, summary, span, commandEnd } = await runDigest(rec, captured);
  const wallSeconds = (commandEnd.wallMs - commandStart.wallMs) / 1000;
  const cpuSeconds = (commandEnd.cpuMs - commandStart.cpuMs) / 1000;
  await profiler.stop();
  if (!summary || !span) throw new Error(`digest failed (exit ${result.exitCode}): ${result.failures.map((f) => `${f.part}: ${f.message}`).join('; ')}`);
  const stages: Phase[] = [
    { name: 'startup', what: 'config, adapters, store open, run record, simulated fleet built', wallMs: span.start.wallMs - commandStart.wallMs, cpuMs: span.start.cpuMs - commandStart.cpuMs },
    ...phases(rec, span.start, span.end),
    { name: 'close', what: 'run record, store closed', wallMs: commandEnd.wallMs - span.end.wallMs, cpuMs: commandEnd.cpuMs - span.end.cpuMs },
  ];
  const report = {
    fleet: { clusters, seed: Number(args.seed), end: new Date(endMs).toISOString(), lookbackHours: Number(args['lookback-hours']), noiseFindings: noise },
    scanSetup: scan ? { seconds: scan.seconds, shards: scan.shards, exitCodes: scan.exitCodes } : { reused: args['scan-db'] },
    exitCode: result.exitCode, failures: result.failures.length,
    wallSeconds, jobSeconds: (span.end.wallMs - span.start.wallMs) / 1000, cpuSeconds,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    findingsIn: summary.findings, maintenanceSuppressed: summary.maintenanceSuppressed, groupsOut: summary.groups, notAnalysed: summary.notAnalysed, failedGroups: summary.failedGroups,
    rootCauses: summary.rootCauses, proposals: summary.proposals, repliesPosted: summary.publication.repliesPosted,
    stages, calls: Object.fromEntries([...rec.calls].sort((a, b) => b[1].ms - a[1].ms)),
    fingerprint: await fingerprint(captured),
    document: captured.docs.length ? docStats(captured.docs[captured.docs.length - 1]) : undefined,
  };
  if (args.json) console.log(JSON.stringify(report));
  else {
    const s = (ms: number) => (ms / 1000).toFixed(2).padStart(7);
    console.log(`fleet: ${clusters} simulated clusters (seed ${report.fleet.seed}, ${report.fleet.lookbackHours} h scanned to ${report.fleet.end}${noise ? `, +${noise} synthetic background findings` : ''}); ${scan ? `scan setup ${scan.seconds.toFixed(0)} s in ${scan.shards} shards + finalize (exit ${scan.exitCodes.join(',')})` : `scan store reused from ${args['scan-db']}`}`);
    console.log(`digest ${summary.day}: ${report.wallSeconds.toFixed(2)} s wall (job body ${report.jobSeconds.toFixed(2)} s), ${report.cpuSeconds.toFixed(2)} s CPU, peak RSS ${report.peakRssMB.toFixed(0)} MB, exit ${report.exitCode} (${report.failures} failures)`);
    console.log(`findings in ${report.findingsIn} (+${report.maintenanceSuppressed} under maintenance), groups out ${report.groupsOut} (${report.notAnalysed ? `${report.groupsOut - report.notAnalysed} analysed, ${report.notAnalysed} past digest.maxAnalysedGroups; ` : ''}${report.rootCauses} root causes, ${report.proposals} proposals, ${report.repliesPosted} replies), fingerprint ${report.fingerprint}`);
    const d = report.document;
    if (d) console.log(`document: ${d.textChars} characters (body end index ${d.bodyEndIndex}), ${d.detailedGroups} of ${report.groupsOut} groups in full, ${d.briefGroups} in brief, ${d.countedGroups} counted by kind, ${d.tables} tables of ${d.tableRows} rows; Google Docs: ${d.requests} requests in ${d.batches} batchUpdates (largest ${(d.largestBatchBytes / 1024).toFixed(0)} KiB, ${(d.requestBytes / 1048576).toFixed(1)} MiB in all)`);
    console.log('stage        wall s    CPU s');
    for (const p of stages) console.log(`${p.name.padEnd(10)} ${s(p.wallMs)}  ${s(p.cpuMs)}   ${p.what}`);
    console.log('calls: count, time summed from call to settle (calls in flight together each count it), most in flight at once');
    for (const [name, c] of [...rec.calls].sort((a, b) => b[1].ms - a[1].ms).slice(0, 14)) console.log(`  ${name.padEnd(34)} ${String(c.calls).padStart(6)} × ${s(c.ms)} s  ≤${c.maxInFlight}`);
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
