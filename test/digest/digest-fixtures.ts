import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOutboxChat } from '../../src/adapters/chat/outbox/index.js';
import { createTokenBudget } from '../../src/adapters/llm/token-budget.js';
import type { ChatChannel } from '../../src/adapters/chat/types.js';
import { createFileDocWriter } from '../../src/adapters/docs/files/index.js';
import type { DocWriter } from '../../src/adapters/docs/types.js';
import type { MetricsRequest, MetricsSource } from '../../src/adapters/metrics/types.js';
import { createStore } from '../../src/adapters/store/index.js';
import type { AnomalyRow, EvidenceRow, Store } from '../../src/adapters/store/types.js';
import { fixedClock } from '../../src/core/clock.js';
import { FleetopsConfig } from '../../src/core/config/schema.js';
import { silentLogger } from '../../src/core/logger.js';
import { runJob, type JobContext } from '../../src/core/run-job.js';
import type { DigestDeps } from '../../src/digest/availability-digest-job.js';
import type { DigestLlm } from '../../src/digest/narrate-group.js';
import type { DigestEngine, DigestIncidentGroup, DigestRcaResult } from '../../src/digest/rca-contract.js';
import type { Cluster } from '../../src/fleet/types.js';

export const DAY = '2026-11-29';
export const DAY_START_MS = Date.UTC(2026, 10, 29);
export const END_MS = DAY_START_MS + 86_400_000;
export const NOW_MS = END_MS + 2 * 3_600_000;
const MIN = 60_000;

export function clusterIds(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `c-eu-west-1-${String(i).padStart(4, '0')}`);
}

export function clusters(n: number): Cluster[] {
  return clusterIds(n).map((id, i) => ({
    id, region: i % 2 ? 'eu-west-1' : 'us-east-1', substrate: 'aws', environment: 'prod', tier: 'tier-1',
    versions: { coredns: i < 4 ? '1.11.3' : '1.11.1' }, nodePools: [{ name: 'default', instanceType: 'm5.large', nodeCount: 3 }],
  }));
}

/** One availability dip per (cluster, component), `groups` components × `perGroup` clusters. */
export function dipFindings(groups: number, perGroup: number): AnomalyRow[] {
  const ids = clusterIds(groups * perGroup);
  return ids.map((cluster, i) => {
    const g = Math.floor(i / perGroup);
    return {
      id: `f-${g}-${i}`, runId: 'scan-1', cluster, component: `comp-${g}`, signal: 'availability', kind: 'dip', severity: 'critical',
      startMs: DAY_START_MS + (10 * 60 + g) * MIN, endMs: DAY_START_MS + (11 * 60 + g) * MIN, score: 5 + (i % 3),
      details: { slo: 0.999, minAvailability: 0.97 - g / 1000, budgetBurnedFraction: 0.05 + (i % perGroup) / 1000, peakBurnRate: 14 },
    };
  });
}

/** Findings of `comp-<group>` on more clusters: the group grows, so it ranks higher (most clusters first). */
export function moreClusters(group: number, clusterIndexes: number[]): AnomalyRow[] {
  const [base] = dipFindings(group + 1, 1).slice(group);
  return clusterIndexes.map((c) => ({ ...base, id: `f-x-${group}-${c}`, cluster: `c-eu-west-1-${String(c).padStart(4, '0')}` }));
}

export interface HandEngineOptions {
  /** Per group index: the RCA to return (default: a root cause citing the group's two evidence rows). */
  rca?: (group: DigestIncidentGroup, evidence: EvidenceRow[], index: number) => Partial<DigestRcaResult>;
  excerpt?: (index: number) => string;
  /** Throw for these group indexes (collectEvidence). */
  failing?: number[];
}

/** A hand-made engine: one group per component, two evidence rows per group, a scripted RCA. */
export function handEngine(opts: HandEngineOptions = {}): DigestEngine & { evidenceCalls: number } {
  const indexOf = (g: DigestIncidentGroup) => Number(g.id.split('-')[1]);
  const engine = {
    evidenceCalls: 0,
    correlate(findings: AnomalyRow[]): DigestIncidentGroup[] {
      const byComp = new Map<string, AnomalyRow[]>();
      for (const f of findings) byComp.set(f.component, [...(byComp.get(f.component) ?? []), f]);
      return [...byComp].map(([component, fs]) => ({
        id: `g-${component.split('-')[1]}`, title: `${component} availability dips on ${fs.length} clusters`,
        startMs: Math.min(...fs.map((f) => f.startMs)), endMs: Math.max(...fs.map((f) => f.endMs)),
        clusters: [...new Set(fs.map((f) => f.cluster))], components: [component], signals: ['availability'], findings: fs,
        sharedAttributes: [{ name: 'version:coredns', value: '1.11.3', coverage: 1, baseRate: 0.1, lift: 10 }], severity: 'critical' as const,
      }));
    },
    async collectEvidence(group: DigestIncidentGroup): Promise<EvidenceRow[]> {
      engine.evidenceCalls += 1;
      const i = indexOf(group);
      if (opts.failing?.includes(i)) throw new Error(`evidence source down for group ${i}`);
      const row = (n: number, source: EvidenceRow['source'], excerpt: string): EvidenceRow => ({
        id: `ev-${i}-${n}`, groupId: group.id, source, query: `query ${n} of group ${i}`, startMs: group.startMs, endMs: group.endMs,
        excerpt, link: `https://grafana.example.com/d/x?g=${i}&n=${n}`, data: { n }, createdAtMs: NOW_MS,
      });
      return [row(1, 'metrics', opts.excerpt?.(i) ?? `availability fell to 97.0% on ${group.clusters.length} clusters`), row(2, 'changes', `rollout of comp-${i} 2.0.1 at 10:02`)];
    },
    analyseGroup(group: DigestIncidentGroup, evidence: EvidenceRow[]): DigestRcaResult {
      const i = indexOf(group);
      return {
        groupId: group.id, verdict: 'root-cause', hypotheses: [], missing: [], signature: `sig-${i}`,
        top: {
          failureMode: 'rollout.bad-version', entity: { component: `comp-${i}`, version: '2.0.1' }, score: 0.9,
          supporting: [{ text: `comp-${i} 2.0.1 rolled out at 10:02, minutes before the dip`, evidenceIds: [evidence[1]?.id ?? 'none'] }, { text: 'availability fell to 97.0%', evidenceIds: [evidence[0]?.id ?? 'none'] }],
          contradicting: [],
        },
        rejected: [{ text: 'node pressure: no node condition changed', evidenceIds: [evidence[0]?.id ?? 'none'] }],
        runbook: { id: 'failed-rollout-bad-version', title: 'Failed rollout of a bad version', section: 'Remediation', line: 42 },
        ...opts.rca?.(group, evidence, i),
      };
    },
  };
  return engine;
}

/** A metrics source answering `value` for every point (NaN = no data), recording each request. */
export function constantMetrics(value: (req: MetricsRequest) => number): MetricsSource & { requests: MetricsRequest[] } {
  const requests: MetricsRequest[] = [];
  return {
    requests,
    async query(req) {
      requests.push(req);
      const stepMs = req.stepSeconds * 1000;
      const n = Math.max(1, Math.floor((req.endMs - req.startMs) / stepMs) + 1);
      const comps = req.component ? [req.component] : ['comp-0'];
      const series = req.clusters.flatMap((cluster) => comps.map((component) => ({ cluster, component, signal: req.signal, startMs: req.startMs, stepMs, values: new Float64Array(n).fill(value(req)) })));
      return { series, warnings: [], failedClusters: [], bytesFetched: 0 };
    },
  };
}

export interface Harness {
  dir: string;
  store: Store;
  deps: DigestDeps;
  outbox: ReturnType<typeof createOutboxChat>;
  clock: ReturnType<typeof fixedClock>;
  run(body: (ctx: JobContext) => Promise<Record<string, unknown>>): ReturnType<typeof runJob>;
}

/** Store (SQLite in a temp dir) seeded with findings, outbox chat, file documents, and the given sources. */
export async function harness(opts: { findings: AnomalyRow[]; clusterCount: number; metrics?: MetricsSource; chat?: (store: Store) => ChatChannel; docs?: DocWriter }): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'digest-'));
  const store = await createStore({ kind: 'sqlite', path: join(dir, 'fleetops.db') });
  await store.migrate();
  await store.anomalies.upsertMany(opts.findings);
  const clock = fixedClock(NOW_MS);
  const outbox = createOutboxChat({ dir: join(dir, 'slack'), clock });
  const docs = opts.docs ?? createFileDocWriter({ dir: join(dir, 'docs') });
  const fleet = clusters(opts.clusterCount);
  const chat = opts.chat?.(store) ?? outbox;
  const empty = async () => [];
  const deps: DigestDeps = {
    config: FleetopsConfig.parse({}),
    inventory: () => ({ listClusters: async () => fleet, getTopology: async (cluster) => ({ cluster, nodes: [], pods: [], dependencies: [] }) }),
    metrics: () => opts.metrics ?? constantMetrics(() => 1),
    logs: () => ({ search: empty }), events: () => ({ listEvents: empty }), changes: () => ({ listChanges: empty }),
    chat: () => chat, docs: () => docs, store: async () => store,
  };
  const run = (body: (ctx: JobContext) => Promise<Record<string, unknown>>) => runJob({ job: 'availability-digest', logger: silentLogger, clock, deadlineSeconds: 600, store }, body);
  return { dir, store, deps, outbox, clock, run };
}

/** A model that answers nothing usable (the template is used), counting its calls. */
export function countingLlm(): DigestLlm & { calls: () => number } {
  let calls = 0;
  const client = {
    kind: 'bedrock' as const,
    converse: async () => (calls += 1, { text: 'no JSON here', toolCalls: [], usage: { inputTokens: 10, outputTokens: 10 }, steps: 1, stopReason: 'end_turn' }),
  };
  return { client, budget: createTokenBudget(1_000_000), maxSteps: 1, maxCalls: 20, calls: () => calls };
}
