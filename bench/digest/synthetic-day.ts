/**
 * A deterministic digest day for correlation at any fleet size: a fleet of `clusters` clusters and
 * one day of findings, made from `seed` alone (no simulator, so the input never moves under a test).
 * Background: `findingsPerCluster` single-cluster findings per cluster (dips, anomalies, peer
 * outliers) at random times; on top, a bad CoreDNS rollout in three waves, one region's ingress
 * degradation, a burst of cert-manager dips no attribute explains, a silent cluster, and a
 * maintenance window over some of the background.
 */
import type { AnomalyRow } from '../../src/adapters/store/types.js';
import { COMPONENTS, SIGNALS, SUBSTRATES, type Cluster, type Environment, type Tier } from '../../src/fleet/types.js';

const MIN = 60_000;
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-1', 'ap-northeast-1', 'dc-fra1', 'dc-ams1'];
const INSTANCE_TYPES = ['m6i.xlarge', 'm6i.2xlarge', 'c6i.2xlarge', 'n2-standard-8', 'D8s_v5'];
const ENVIRONMENTS: Environment[] = ['prod', 'prod', 'prod', 'staging', 'dev'];
const TIERS: Tier[] = ['tier-0', 'tier-1', 'tier-1', 'tier-2'];
export const BAD_COREDNS = 'v1.12.0-bad';

export interface SyntheticDay {
  day: string;
  startMs: number;
  clusters: Cluster[];
  findings: AnomalyRow[];
  maintenance: { cluster: string; startMs: number; endMs: number }[];
}

/** mulberry32: small, fast, and the same sequence everywhere. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fleet(n: number, next: () => number): Cluster[] {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
  return Array.from({ length: n }, (_, i) => ({
    id: `c-${String(i).padStart(5, '0')}`, region: REGIONS[i % REGIONS.length], substrate: i % REGIONS.length >= 6 ? 'on-prem' : pick(SUBSTRATES.slice(0, 3)),
    environment: pick(ENVIRONMENTS), tier: pick(TIERS),
    versions: {
      coredns: i % 35 === 7 ? BAD_COREDNS : pick(['v1.11.1', 'v1.11.3']), apiserver: pick(['v1.29.10', 'v1.30.6', 'v1.31.2']),
      'service-mesh': pick(['1.22.3', '1.23.1']), cni: pick(['1.15.6', '1.16.1']),
    },
    nodePools: [{ name: 'system', instanceType: pick(INSTANCE_TYPES), nodeCount: 3 }, { name: 'workers', instanceType: pick(INSTANCE_TYPES), nodeCount: 10 }],
  }));
}

type Add = (cluster: string, component: string, kind: AnomalyRow['kind'], severity: AnomalyRow['severity'], at: number, minutes: number, signal?: string) => void;

function findingMaker(startMs: number, next: () => number, idPrefix: string): { findings: AnomalyRow[]; add: Add } {
  const findings: AnomalyRow[] = [];
  const add: Add = (cluster, component, kind, severity, at, minutes, signal = 'availability') => {
    const s = startMs + Math.floor(at / (5 * MIN)) * 5 * MIN;
    findings.push({ id: `${idPrefix}${findings.length.toString(36).padStart(6, '0')}`, runId: 'synthetic', cluster, component, signal, kind, severity, startMs: s, endMs: s + minutes * MIN, score: 3 + next() * 5, details: {} });
  };
  return { findings, add };
}

/** `count` single-cluster findings (30% dips, 45% anomalies, 25% peer outliers) at random times of the day from `startMs`. */
function addBackground(add: Add, clusterIds: readonly string[], count: number, next: () => number): void {
  for (let i = 0; i < count; i++) {
    const c = clusterIds[Math.floor(next() * clusterIds.length)];
    const r = next();
    const kind = r < 0.3 ? 'dip' : r < 0.75 ? 'anomaly' : 'peer-outlier';
    add(c, COMPONENTS[Math.floor(next() * COMPONENTS.length)], kind, next() < 0.4 ? 'critical' : 'warning', next() * 23.5 * 60 * MIN, 5 * (1 + Math.floor(next() * 8)), SIGNALS[Math.floor(next() * SIGNALS.length)]);
  }
}

/** Background findings alone, on given clusters (a real fleet's): a busier day on top of a scan's findings. */
export function backgroundFindings(opts: { clusterIds: readonly string[]; count: number; dayStartMs: number; seed?: number }): AnomalyRow[] {
  const next = rng(opts.seed ?? 1);
  const { findings, add } = findingMaker(opts.dayStartMs, next, 'an-noise-');
  addBackground(add, opts.clusterIds, opts.count, next);
  return findings;
}

export function syntheticDay(opts: { clusters: number; findingsPerCluster: number; seed?: number }): SyntheticDay {
  const next = rng(opts.seed ?? 1);
  const day = '2026-11-30';
  const startMs = Date.parse(`${day}T00:00:00Z`);
  const clusters = fleet(opts.clusters, next);
  const { findings, add } = findingMaker(startMs, next, 'an-');
  addBackground(add, clusters.map((c) => c.id), Math.round(opts.clusters * opts.findingsPerCluster), next);
  clusters.filter((c) => c.versions.coredns === BAD_COREDNS).forEach((c, i) => add(c.id, 'coredns', 'dip', 'critical', (4 * 60 + (i % 3) * 70 + (i % 7)) * MIN, 45));
  const region = clusters.filter((c) => c.region === 'eu-west-1');
  region.slice(0, Math.ceil(region.length * 0.6)).forEach((c, i) => add(c.id, 'ingress-gateway', 'dip', 'warning', (13 * 60 + (i % 20)) * MIN, 60, 'error_ratio'));
  for (let i = 0; i < 8; i++) add(clusters[(i * 97 + 13) % clusters.length].id, 'cert-manager', 'dip', 'critical', (18 * 60 + i) * MIN, 30);
  add(clusters[clusters.length - 1].id, '*', 'missing-data', 'critical', 20 * 60 * MIN, 120, '*');
  const maintenance = clusters.slice(0, Math.max(1, Math.floor(clusters.length / 50))).map((c) => ({ cluster: c.id, startMs: startMs + 2 * 60 * MIN, endMs: startMs + 5 * 60 * MIN }));
  return { day, startMs, clusters, findings, maintenance };
}
