import { describe, expect, it } from 'vitest';
import { COMPONENTS } from '../../src/fleet/types.js';
import { createSimulatedFleet, type ScenarioInstance } from '../../src/simulator/index.js';
import { HOUR, symptomShift } from './helpers.js';

const fleet = createSimulatedFleet({ clusters: 300 });
const byKind = (kind: string): ScenarioInstance => fleet.groundTruth.find((s) => s.kind === kind)!;
const window = (s: ScenarioInstance, padMs = 0) => ({ clusters: s.clusters, startMs: s.startMs - padMs, endMs: s.endMs + padMs, limit: 10_000 });

const EXPECT: Record<string, { events?: string[]; logs?: string; changes?: 'deploy' | 'config' | 'maintenance'; alerts?: string[] }> = {
  'bad-rollout': { events: ['Unhealthy', 'Pulled'], logs: 'plugin/errors', changes: 'deploy', alerts: ['CoreDNSErrorsHigh', 'CoreDNSLatencyHigh'] },
  'regional-degradation': { events: ['FailedAttachVolume', 'FailedMount'], logs: 'etcdserver: request timed out', alerts: ['KubeAPIErrorBudgetBurn'] },
  'node-disk-pressure': { events: ['NodeHasDiskPressure', 'Evicted'], logs: 'Eviction manager', alerts: ['NodeFilesystemAlmostFull'] },
  'noisy-neighbour-dns': { events: ['Unhealthy'], logs: 'i/o timeout', alerts: ['CoreDNSLatencyHigh'] },
  'cert-expiry': { events: ['Expired'], logs: 'x509: certificate has expired', alerts: ['CertificateExpiringSoon', 'NginxIngress5xxErrorRateHigh'] },
  'oom-after-config': { events: ['OOMKilling', 'BackOff'], logs: 'GC overhead', changes: 'config', alerts: ['KubeContainerOOMKilled', 'KubePodCrashLooping'] },
  'stopped-reporting': { logs: 'Failed to send batch', alerts: ['TargetDown'] },
  'maintenance-window': { events: ['NodeNotReady'], changes: 'maintenance' },
  'benign-spike': { events: ['SuccessfulRescale'] },
  'unrelated-deploy': { events: ['Pulled'], changes: 'deploy' },
};

describe('default scenario set', () => {
  it('has one of each incident kind and confounder, most in the last 24 h, two overlapping', () => {
    const kinds = fleet.groundTruth.map((s) => s.kind).sort();
    const recent = fleet.groundTruth.filter((s) => !s.isConfounder && s.startMs >= fleet.rangeMs.endMs - 24 * HOUR);
    const [a, b] = [byKind('regional-degradation'), byKind('cert-expiry')];

    expect(kinds).toEqual(Object.keys(EXPECT).sort());
    expect(recent.length).toBeGreaterThanOrEqual(5);
    expect(a.startMs < b.endMs && b.startMs < a.endMs).toBe(true);
  });

  it.each(fleet.groundTruth.filter((s) => s.kind !== 'stopped-reporting').map((s) => [s.kind, s] as const))('%s: every declared symptom moves in its direction', (_k, s) => {
    for (const sym of s.symptoms.slice(0, 60)) {
      const shift = symptomShift(fleet, sym.cluster, sym.component, sym.signal, s.startMs, s.endMs, sym.direction);

      expect(shift, `${sym.cluster} ${sym.component} ${sym.signal} ${sym.direction}`).toBeGreaterThan(0);
    }
  });

  it.each(Object.entries(EXPECT))('%s: leaves traces in events, logs, changes and alerts', (kind, want) => {
    const s = byKind(kind);
    const q = window(s, 30 * 60_000);

    const events = fleet.events(q);
    const logs = fleet.logs({ ...q, text: want.logs });
    const changes = fleet.changes({ ...q, startMs: q.startMs - 48 * HOUR });
    const alerts = fleet.alerts(q).filter((a) => s.clusters.includes(a.cluster));

    for (const r of want.events ?? []) expect(events.map((e) => e.reason), r).toContain(r);
    if (want.logs) expect(logs.length).toBeGreaterThan(0);
    if (want.changes) expect(changes.map((c) => c.kind)).toContain(want.changes);
    for (const a of want.alerts ?? []) expect(alerts.map((x) => x.alertname)).toContain(a);
  });

  it('bad rollout: every target cluster runs the bad version, deployed just before its onset; no other cluster runs it', () => {
    const s = byKind('bad-rollout');
    const version = s.rootCause.version!;

    const deploys = fleet.changes(window(s, 60 * 60_000)).filter((c) => c.toVersion === version);

    expect(s.rootCause.failureMode).toBe('coredns.bad-version');
    expect(new Set(deploys.map((d) => d.cluster))).toEqual(new Set(s.clusters));
    expect(fleet.clusters.filter((c) => c.versions.coredns === version).map((c) => c.id).sort()).toEqual([...s.clusters].sort());
  });

  it('bad rollout and OOM: availability dips below a 99.9% SLO during the window', () => {
    for (const s of [byKind('bad-rollout'), byKind('oom-after-config'), byKind('cert-expiry')]) {
      const a = fleet.seriesValues(s.clusters[0], s.component, 'availability', s.startMs + HOUR / 2, s.endMs);

      expect(Math.min(...a.filter((v) => !Number.isNaN(v)))).toBeLessThan(0.999);
    }
  });

  it('stopped reporting: every series is NaN after the onset and not before', () => {
    const s = byKind('stopped-reporting');
    const c = s.clusters[0];

    for (const comp of COMPONENTS) {
      expect(fleet.seriesValues(c, comp, 'request_rate', s.startMs, fleet.rangeMs.endMs).every(Number.isNaN)).toBe(true);
    }
    expect(fleet.seriesValues(c, 'apiserver', 'request_rate', s.startMs - 2 * HOUR, s.startMs).some((v) => !Number.isNaN(v))).toBe(true);
    expect(fleet.nodeSeriesValues(c, fleet.topology(c).nodes[0].name, 'node_ready', s.startMs, fleet.rangeMs.endMs).every(Number.isNaN)).toBe(true);
    expect(fleet.logs({ clusters: [c], startMs: s.startMs, endMs: fleet.rangeMs.endMs, limit: 10 })).toEqual([]);
  });

  it('confounders never breach a 99.9% availability SLO on their own clusters', () => {
    for (const s of fleet.groundTruth.filter((x) => x.isConfounder)) {
      const comps = s.kind === 'unrelated-deploy' ? [s.component] : COMPONENTS;
      for (const comp of comps) {
        const a = fleet.seriesValues(s.clusters[0], comp, 'availability', s.startMs, s.endMs).filter((v) => !Number.isNaN(v));

        expect(Math.min(...a), `${s.kind} ${comp}`).toBeGreaterThanOrEqual(0.999);
      }
      expect(s.rootCause.failureMode).toBe('none');
    }
  });
});

describe('random scenario sets', () => {
  const make = (seed: number) => createSimulatedFleet({ seed, clusters: 200, scenarios: 'random' });

  it('differ per seed and have 2–6 incidents plus confounders', () => {
    const sets = [11, 12, 13].map((seed) => make(seed).groundTruth);

    for (const gt of sets) {
      const incidents = gt.filter((s) => !s.isConfounder).length;
      expect(incidents).toBeGreaterThanOrEqual(2);
      expect(incidents).toBeLessThanOrEqual(6);
      expect(gt.some((s) => s.isConfounder)).toBe(true);
    }
    expect(new Set(sets.map((g) => JSON.stringify(g.map((s) => [s.kind, s.startMs, s.clusters[0]])))).size).toBe(3);
  });

  it.each([21, 22, 23])('seed %i: incident symptoms move in the declared direction', (seed) => {
    const f = make(seed);
    for (const s of f.groundTruth.filter((x) => !x.isConfounder && x.kind !== 'stopped-reporting')) {
      for (const sym of s.symptoms.slice(0, 20)) {
        expect(symptomShift(f, sym.cluster, sym.component, sym.signal, s.startMs, s.endMs, sym.direction), `${s.id} ${sym.component} ${sym.signal}`).toBeGreaterThan(0);
      }
    }
  });
});
