/**
 * RCA accuracy on the simulated fleet: scan (in-process, in-memory SQLite) → correlate → collect
 * evidence → analyse, scored against the simulator's ground truth. `npm run bench:rca`.
 * Seeds 101..110 use random scenarios nobody tuned to; the default set is scored too.
 */
import { pathToFileURL } from 'node:url';
import { createStore } from '../src/adapters/store/index.js';
import type { AnomalyRow } from '../src/adapters/store/types.js';
import { correlate, maintenanceWindows, type IncidentGroup } from '../src/correlate/index.js';
import type { Topology } from '../src/fleet/types.js';
import { analyseGroup, collectEvidence, type RcaResult } from '../src/rca/engine.js';
import { loadFailureModel, SCENARIO_FAILURE_MODE, type ScenarioKind } from '../src/rca/failure-model/index.js';
import { loadSafeOperationCatalog } from '../src/remediation/catalog/index.js';
import { createRunbookIndex, loadRunbooks } from '../src/runbooks/index.js';
import { finalizeScan } from '../src/scan/finalize-scan.js';
import { scanShard } from '../src/scan/fleet-scan.js';
import { buildCatalog } from '../src/signals/catalog.js';
import { createSimulatedAdapters, createSimulatedFleet, type ScenarioInstance, type SimulatedFleetOptions } from '../src/simulator/index.js';

export interface GroupOutcome { groupId: string; title: string; truth?: string; verdict: string; top?: string; correct: boolean }
export interface FleetReport {
  label: string;
  groups: number;
  /** Groups whose top hypothesis is the true cause (failure mode and entity). */
  correct: number;
  /** Groups that match no injected incident (noise) or a confounder. */
  spurious: number;
  confounderGroups: number;
  confounderBlamed: number;
  incidents: number;
  incidentsExplained: number;
  rolloutsAsOneGroup: boolean;
  outcomes: GroupOutcome[];
}

const HOUR = 3_600_000;
const silent = { fail: () => undefined, logger: { info() {}, warn() {}, error() {}, debug() {} } } as never;

/** Scan a whole simulated fleet in-process: the same code path as the fleet-scan job, unsharded. */
async function scanFindings(fleet: ReturnType<typeof createSimulatedFleet>, ports: ReturnType<typeof createSimulatedAdapters>): Promise<AnomalyRow[]> {
  const store = await createStore({ kind: 'sqlite', path: ':memory:' } as never);
  await store.migrate();
  const catalog = buildCatalog();
  const hours = (fleet.rangeMs.endMs - fleet.rangeMs.startMs) / HOUR;
  const ctx = { runId: 'bench', signal: undefined, ...(silent as object) } as never;
  const res = await scanShard({ inventory: ports.inventory, metrics: ports.metrics, store, catalog }, ctx, {
    shard: { index: 0, count: 1 }, endMs: fleet.rangeMs.endMs, stepSeconds: fleet.stepSeconds, lookbackHours: hours, contextHours: 6,
    fullRebuild: true, slo: {}, missingAfterMinutes: 30, concurrency: 4,
  });
  const fin = await finalizeScan({ store, catalog, clusters: fleet.clusters }, ctx, {
    endMs: fleet.rangeMs.endMs, shardCount: 1, peers: [res.peers], peerZThreshold: 6, peerMinPoints: 3, fleetWideMinClusters: 5, lookbackHours: 24,
  });
  await store.close();
  return [...res.findings, ...fin.peerOutliers];
}

function truthFailureMode(t: ScenarioInstance): string {
  return t.kind === 'bad-rollout' ? 'fleet.bad-rollout' : SCENARIO_FAILURE_MODE[t.kind as ScenarioKind];
}

/** Right failure mode on the right entity: the version, the region, the node, or the cluster. */
export function isTrueCause(r: RcaResult, t: ScenarioInstance): boolean {
  const top = r.top;
  if (!top || top.failureMode !== truthFailureMode(t)) return false;
  const rc = t.rootCause;
  switch (t.kind) {
    case 'bad-rollout': return top.entity.version === rc.version && top.entity.component === rc.component;
    case 'regional-degradation': return top.entity.region === rc.region;
    case 'node-disk-pressure':
    case 'noisy-neighbour-dns': return top.entity.cluster === rc.cluster && top.entity.node === rc.node;
    default: return top.entity.cluster === rc.cluster;
  }
}

function overlaps(g: IncidentGroup, t: ScenarioInstance): number {
  if (g.startMs > t.endMs + HOUR || g.endMs < t.startMs - HOUR / 2) return 0;
  return g.clusters.filter((c) => t.clusters.includes(c)).length;
}

function bestTruth(g: IncidentGroup, truths: ScenarioInstance[]): ScenarioInstance | undefined {
  return truths.map((t) => ({ t, n: overlaps(g, t) })).filter((x) => x.n > 0).sort((a, b) => b.n - a.n || Math.abs(a.t.startMs - g.startMs) - Math.abs(b.t.startMs - g.startMs))[0]?.t;
}

function blames(r: RcaResult, c: ScenarioInstance): boolean {
  const e = r.top?.entity;
  if (!e) return false;
  if (c.kind === 'unrelated-deploy') return e.component === c.rootCause.component && (e.version === c.rootCause.version || c.clusters.includes(e.cluster ?? ''));
  return c.clusters.includes(e.cluster ?? '') && e.node !== undefined && e.node === c.rootCause.node;
}

export async function evaluateFleet(label: string, opts: SimulatedFleetOptions): Promise<FleetReport> {
  const fleet = createSimulatedFleet(opts);
  const ports = createSimulatedAdapters(fleet);
  const findings = await scanFindings(fleet, ports);
  const changes = await ports.changes.listChanges({ clusters: fleet.clusters.map((c) => c.id), ...fleet.rangeMs });
  const groups = correlate(findings, fleet.clusters, { maintenance: maintenanceWindows(changes) });
  const ctx = { failureModel: loadFailureModel(), runbookIndex: createRunbookIndex(loadRunbooks('runbooks')), catalog: loadSafeOperationCatalog(), clusters: fleet.clusters };
  const incidents = fleet.groundTruth.filter((t) => !t.isConfounder);
  const confounders = fleet.groundTruth.filter((t) => t.isConfounder);
  const report: FleetReport = { label, groups: groups.length, correct: 0, spurious: 0, confounderGroups: 0, confounderBlamed: 0, incidents: incidents.length, incidentsExplained: 0, rolloutsAsOneGroup: true, outcomes: [] };
  const explained = new Set<string>();
  const groupsPerTruth = new Map<string, number>();
  for (const g of groups) {
    const topology = new Map<string, Topology>();
    for (const c of g.clusters.slice(0, 3)) topology.set(c, await ports.inventory.getTopology(c));
    const evidence = await collectEvidence(g, ports, { nowMs: fleet.rangeMs.endMs, fail: () => undefined, fleetSize: fleet.clusters.length });
    const r = analyseGroup(g, evidence, { ...ctx, topology });
    const truth = bestTruth(g, incidents);
    const correct = truth !== undefined && isTrueCause(r, truth);
    if (truth) groupsPerTruth.set(truth.id, (groupsPerTruth.get(truth.id) ?? 0) + 1);
    else report.spurious++;
    if (!truth && bestTruth(g, confounders)) report.confounderGroups++;
    if (correct) { report.correct++; explained.add(truth.id); }
    report.confounderBlamed += confounders.filter((c) => blames(r, c)).length;
    report.outcomes.push({ groupId: g.id, title: g.title, truth: truth ? `${truth.id} ${truthFailureMode(truth)}` : undefined, verdict: r.verdict, top: r.top ? `${r.top.failureMode} ${JSON.stringify(r.top.entity)} (${r.top.score})` : r.missing[0], correct });
  }
  report.incidentsExplained = explained.size;
  report.rolloutsAsOneGroup = incidents.filter((t) => t.kind === 'bad-rollout').every((t) => groupsPerTruth.get(t.id) === 1);
  return report;
}

/** The default scenario set plus random scenarios on the given seeds (~200 clusters, 3 days). */
export async function runRcaAccuracy(seeds: number[], clusters = 200, days = 3, withDefault = true): Promise<FleetReport[]> {
  const runs: [string, SimulatedFleetOptions][] = [
    ...(withDefault ? [['default', { seed: 1, clusters, days, scenarios: 'default' }] as [string, SimulatedFleetOptions]] : []),
    ...seeds.map((s) => [`random-${s}`, { seed: s, clusters, days, scenarios: 'random' }] as [string, SimulatedFleetOptions]),
  ];
  const out: FleetReport[] = [];
  for (const [label, opts] of runs) out.push(await evaluateFleet(label, opts));
  return out;
}

export function summarise(reports: FleetReport[]): { groups: number; correct: number; accuracy: number; spurious: number; confounderGroups: number; confounderBlamed: number; incidents: number; explained: number; rolloutsAsOneGroup: boolean } {
  const sum = (k: keyof FleetReport) => reports.reduce((n, r) => n + (r[k] as number), 0);
  const groups = sum('groups');
  return { groups, correct: sum('correct'), accuracy: groups ? sum('correct') / groups : 1, spurious: sum('spurious'), confounderGroups: sum('confounderGroups'), confounderBlamed: sum('confounderBlamed'), incidents: sum('incidents'), explained: sum('incidentsExplained'), rolloutsAsOneGroup: reports.every((r) => r.rolloutsAsOneGroup) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const seeds = Array.from({ length: 10 }, (_, i) => 101 + i);
  const reports = await runRcaAccuracy(seeds);
  for (const r of reports) {
    console.log(`${r.label}: ${r.correct}/${r.groups} groups correct, ${r.incidentsExplained}/${r.incidents} incidents explained, spurious ${r.spurious}, confounder groups ${r.confounderGroups}, confounders blamed ${r.confounderBlamed}, rollouts one group: ${r.rolloutsAsOneGroup}`);
    for (const o of r.outcomes) console.log(`  ${o.correct ? 'ok ' : 'BAD'} ${o.title} | truth ${o.truth ?? '-'} | ${o.verdict}: ${o.top ?? ''}`);
  }
  const s = summarise(reports);
  console.log(`\nTOTAL: ${s.correct}/${s.groups} groups with the true root cause on top = ${(100 * s.accuracy).toFixed(1)}%; incidents explained ${s.explained}/${s.incidents}; spurious groups ${s.spurious}; confounder groups ${s.confounderGroups}; confounders blamed ${s.confounderBlamed}; every bad rollout one group: ${s.rolloutsAsOneGroup}`);
}
