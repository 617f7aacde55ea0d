import { describe, expect, it } from 'vitest';
import { COMPONENTS, SIGNALS, SUBSTRATES } from '../../src/fleet/types.js';
import { createSimulatedAdapters, createSimulatedFleet } from '../../src/simulator/index.js';

describe('simulated fleet: inventory', () => {
  const fleet = createSimulatedFleet();

  it('has 1,400 clusters over ≥ 8 regions, all 4 substrates, and versions of all 12 components', () => {
    const regions = new Set(fleet.clusters.map((c) => c.region));

    expect(fleet.clusters).toHaveLength(1400);
    expect(regions.size).toBeGreaterThanOrEqual(8);
    expect(new Set(fleet.clusters.map((c) => c.substrate))).toEqual(new Set(SUBSTRATES));
    for (const c of fleet.clusters) {
      expect(c.id).toMatch(/^c-[a-z0-9-]+-\d{4}$/);
      expect(Object.keys(c.versions).sort()).toEqual([...COMPONENTS].sort());
    }
  });

  it.each([1, 2, 3])('builds a fleet of %i clusters with the default scenarios (none of them need be prod)', (clusters) => {
    const fleet = createSimulatedFleet({ clusters, days: 1 });
    expect(fleet.clusters).toHaveLength(clusters);
    expect(fleet.groundTruth.length).toBeGreaterThan(0);
    for (const sc of fleet.groundTruth) for (const c of sc.clusters) expect(fleet.clusters.map((x) => x.id)).toContain(c);
  });

  it('keeps substrate consistent with region', () => {
    const byRegion = new Map<string, Set<string>>();
    for (const c of fleet.clusters) byRegion.set(c.region, (byRegion.get(c.region) ?? new Set()).add(c.substrate));

    for (const subs of byRegion.values()) expect(subs.size).toBe(1);
  });

  it.each([...COMPONENTS])('skews %s versions: the most common covers ≥ 50% of clusters, with a tail', (component) => {
    const counts = new Map<string, number>();
    for (const c of fleet.clusters) counts.set(c.versions[component]!, (counts.get(c.versions[component]!) ?? 0) + 1);

    expect(Math.max(...counts.values()) / fleet.clusters.length).toBeGreaterThanOrEqual(0.5);
    expect(counts.size).toBeGreaterThanOrEqual(3);
  });

  it('builds topologies with 3–12 nodes, CoreDNS on two nodes, dependencies', () => {
    for (const c of fleet.clusters.slice(0, 100)) {
      const t = fleet.topology(c.id);
      const dns = t.pods.filter((p) => p.component === 'coredns');

      expect(t.nodes.length).toBeGreaterThanOrEqual(3);
      expect(t.nodes.length).toBeLessThanOrEqual(12);
      expect(dns).toHaveLength(2);
      expect(new Set(dns.map((p) => p.node)).size).toBe(2);
      expect(t.dependencies).toContainEqual({ from: 'workload', to: 'coredns' });
      expect(t.dependencies).toContainEqual({ from: 'apiserver', to: 'etcd' });
    }
  });
});

describe('simulated fleet: series', () => {
  const fleet = createSimulatedFleet({ clusters: 50 });
  const c = fleet.clusters[5].id;

  it('gives 2,016 five-minute points over 7 days with healthy availability near 0.9995–1', () => {
    const a = fleet.seriesValues(c, 'apiserver', 'availability');
    const ok = Array.from(a).filter((v) => !Number.isNaN(v));

    expect(a).toHaveLength(2016);
    expect(Math.min(...ok)).toBeGreaterThan(0.999);
  });

  it('answers a sub-range with the same values as the full series', () => {
    const full = fleet.seriesValues(c, 'coredns', 'latency_p99');
    const part = fleet.seriesValues(c, 'coredns', 'latency_p99', fleet.rangeMs.startMs + 100 * 300_000, fleet.rangeMs.startMs + 200 * 300_000);

    expect(Array.from(part)).toEqual(Array.from(full.slice(100, 200)));
  });

  it('has daily seasonality in request rate and occasional gaps somewhere in the fleet', () => {
    const rr = fleet.seriesValues(c, 'workload', 'request_rate');
    const gaps = fleet.clusters.some((x) => COMPONENTS.some((comp) => fleet.seriesValues(x.id, comp, 'request_rate').some(Number.isNaN)));

    expect(Math.max(...rr.filter((v) => !Number.isNaN(v))) / Math.min(...rr.filter((v) => !Number.isNaN(v)))).toBeGreaterThan(1.5);
    expect(gaps).toBe(true);
  });

  it('resamples in the metrics port to a multiple of the base step', async () => {
    const { metrics } = createSimulatedAdapters(fleet);

    const ans = await metrics.query({ signal: 'availability', clusters: [c, 'c-nowhere-9999'], component: 'coredns', startMs: fleet.rangeMs.startMs, endMs: fleet.rangeMs.endMs, stepSeconds: 3600 });

    expect(ans.series).toHaveLength(1);
    expect(ans.series[0].values).toHaveLength(168);
    expect(ans.series[0].stepMs).toBe(3_600_000);
  });
});

describe('simulated fleet: determinism', () => {
  const snapshot = (seed: number) => {
    const f = createSimulatedFleet({ seed, clusters: 120 });
    const c = f.groundTruth[0].clusters[0];
    const q = { clusters: f.clusters.map((x) => x.id), startMs: f.rangeMs.startMs, endMs: f.rangeMs.endMs, limit: 500 };
    return {
      clusters: f.clusters,
      truth: f.groundTruth,
      series: SIGNALS.map((s) => Array.from(f.seriesValues(c, 'coredns', s))),
      node: Array.from(f.nodeSeriesValues(c, f.topology(c).nodes[0].name, 'node_disk_usage')),
      events: f.events(q), logs: f.logs(q), changes: f.changes(q), alerts: f.alerts(f.rangeMs),
    };
  };

  it('is identical for the same seed and different for another', () => {
    const a = snapshot(7);
    const b = snapshot(7);
    const c = snapshot(8);

    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(JSON.stringify(c.clusters)).not.toBe(JSON.stringify(a.clusters));
    expect(JSON.stringify(c.series)).not.toBe(JSON.stringify(a.series));
    expect(JSON.stringify(c.logs)).not.toBe(JSON.stringify(a.logs));
  });
});
