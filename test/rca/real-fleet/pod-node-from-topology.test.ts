import { describe, expect, it } from 'vitest';
import type { MetricsSource } from '../../../src/adapters/metrics/types.js';
import { analyseGroup, collectEvidence, type RcaPorts } from '../../../src/rca/engine.js';
import { nicFixture } from '../hypotheses/nic-fixture.js';

/**
 * Prometheus answers the pod drill-downs (`dns_timeouts`, `oom_kills`, `pod_restarts`) summed by
 * cluster, namespace and pod (default-signals.ts): no `node` label, unlike the simulator's series.
 */
function withoutPodNodes(metrics: MetricsSource): MetricsSource {
  return {
    async query(req) {
      const ans = await metrics.query(req);
      if (!['dns_timeouts', 'oom_kills', 'pod_restarts'].includes(req.signal)) return ans;
      return { ...ans, series: ans.series.map((s) => ({ ...s, labels: { namespace: s.labels!.namespace, pod: s.labels!.pod } })) };
    },
  };
}

describe('pod drill-downs on Prometheus series that name no node', () => {
  it('reads the CoreDNS pod\'s node from the topology, so the saturated node\'s DNS timeouts still count', async () => {
    const { group, ports, ctx, nowMs, truth } = nicFixture();
    const real: RcaPorts = { ...ports, metrics: withoutPodNodes(ports.metrics) };
    let topologyReads = 0;
    const inventory = { ...ports.inventory, getTopology: (c: string, s?: AbortSignal) => (topologyReads++, ports.inventory.getTopology(c, s)) };

    const evidence = await collectEvidence(group, { ...real, inventory }, { nowMs, fail: (p, e) => { throw new Error(`${p}: ${String(e)}`); } });
    const result = analyseGroup(group, evidence, ctx);

    const dns = evidence.filter((e) => e.data.fact === 'metric-shift' && e.data.signal === 'dns_timeouts');
    expect(dns.length).toBeGreaterThan(0);
    expect(dns.every((e) => typeof e.data.node === 'string' && !/undefined/.test(e.excerpt))).toBe(true);
    const nic = result.hypotheses.find((h) => h.failureMode === 'node.nic-saturation' && h.entity.node === truth.rootCause.node);
    expect(nic?.supporting.map((c) => c.text)).toContainEqual(expect.stringMatching(new RegExp(`^CoreDNS pod coredns-\\S+ on ${truth.rootCause.node}: DNS timeouts`)));
    expect(result.top?.failureMode).toBe('node.nic-saturation');
    // one read per sampled cluster, shared with the topology part
    expect(topologyReads).toBe(1);
  });
});
