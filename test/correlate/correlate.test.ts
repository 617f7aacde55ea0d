import { describe, expect, it } from 'vitest';
import type { AnomalyRow } from '../../src/adapters/store/types.js';
import { correlate } from '../../src/correlate/index.js';
import type { Cluster } from '../../src/fleet/types.js';

const T0 = Date.UTC(2025, 5, 3, 10);
const MIN = 60_000;
const REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2', 'ap-southeast-1', 'dc-fra1'];

function fleet(n: number, badVersion: (i: number) => boolean = () => false): Cluster[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `c-${String(i).padStart(4, '0')}`, region: REGIONS[i % REGIONS.length], substrate: 'aws', environment: 'prod', tier: 'tier-1',
    versions: { coredns: badVersion(i) ? 'v1.12.0' : 'v1.11.3', apiserver: i % 10 === 0 ? 'v1.29.10' : 'v1.30.6' },
    nodePools: [{ name: 'system', instanceType: 'm6i.xlarge', nodeCount: 2 }],
  }));
}

function dip(cluster: string, component: string, startMs: number, extra: Partial<AnomalyRow> = {}): AnomalyRow {
  return { id: `${cluster}-${component}-${startMs}`, runId: 'r', cluster, component, signal: 'availability', kind: 'dip', severity: 'critical', startMs, endMs: startMs + 60 * MIN, score: 1, details: {}, ...extra };
}

describe('correlate', () => {
  it('makes ONE group of 40 clusters dipping on a CoreDNS version only they run, with that version as the shared attribute', () => {
    const clusters = fleet(1400, (i) => i % 35 === 0);
    const bad = clusters.filter((c) => c.versions.coredns === 'v1.12.0');
    const findings = bad.map((c, i) => dip(c.id, 'coredns', T0 + Math.floor(i * 1.5) * MIN));

    const groups = correlate(findings, clusters);

    expect(bad).toHaveLength(40);
    expect(groups).toHaveLength(1);
    expect(groups[0].clusters).toHaveLength(40);
    expect(groups[0].sharedAttributes[0]).toMatchObject({ name: 'version:coredns', value: 'v1.12.0', coverage: 1 });
    expect(groups[0].sharedAttributes[0].lift).toBeCloseTo(35, 0);
  });

  it('keeps the canary wave of a rollout (2 clusters, an hour before the main wave, still dipping) in the rollout\'s one group', () => {
    const clusters = fleet(1400, (i) => i % 35 === 0);
    const bad = clusters.filter((c) => c.versions.coredns === 'v1.12.0');
    const findings = bad.map((c, i) => dip(c.id, 'coredns', i < 2 ? T0 : T0 + (60 + i) * MIN, { endMs: T0 + 4 * 60 * MIN }));

    const groups = correlate(findings, clusters);

    expect(groups.map((g) => g.clusters.length)).toEqual([40]);
    expect(groups[0].startMs).toBe(T0);
  });

  it('makes ONE group of a rollout whose four waves an hour apart each dipped for 20 minutes', () => {
    const clusters = fleet(1400, (i) => i % 35 === 0);
    const bad = clusters.filter((c) => c.versions.coredns === 'v1.12.0');
    const findings = bad.map((c, i) => dip(c.id, 'coredns', T0 + (Math.floor(i / 10) * 60 + (i % 10)) * MIN, { endMs: T0 + (Math.floor(i / 10) * 60 + (i % 10) + 20) * MIN }));

    const groups = correlate(findings, clusters);

    expect(groups.map((g) => [g.clusters.length, g.sharedAttributes[0]?.value])).toEqual([[40, 'v1.12.0']]);
  });

  it('keeps two degradations of one region three hours apart as two groups', () => {
    const clusters = fleet(500);
    const fra = clusters.filter((c) => c.region === 'dc-fra1').slice(0, 12);
    const findings = fra.map((c, i) => dip(c.id, 'apiserver', T0 + (i < 6 ? 0 : 180) * MIN + (i % 6) * MIN, { endMs: T0 + (i < 6 ? 30 : 210) * MIN }));

    const groups = correlate(findings, clusters);

    expect(groups.map((g) => [g.clusters.length, `${g.sharedAttributes[0]?.name}=${g.sharedAttributes[0]?.value}`])).toEqual([[6, 'region=dc-fra1'], [6, 'region=dc-fra1']]);
  });

  it('leaves a canary wave that recovered before the main wave started as its own groups', () => {
    const clusters = fleet(1400, (i) => i % 35 === 0);
    const bad = clusters.filter((c) => c.versions.coredns === 'v1.12.0');
    const findings = bad.map((c, i) => dip(c.id, 'coredns', i < 2 ? T0 : T0 + (180 + i) * MIN, { endMs: i < 2 ? T0 + 30 * MIN : T0 + 6 * 60 * MIN }));

    const groups = correlate(findings, clusters);

    expect(groups.map((g) => g.clusters.length)).toEqual([1, 1, 38]);
  });

  it.each([
    ['a version 90% of the fleet runs', (i: number) => i % 10 !== 0, false],
    ['a version 3% of the fleet runs', (i: number) => i % 33 === 0, true],
  ])('counts %s as shared only when its lift is high', (_name, runsIt, expected) => {
    const clusters = fleet(300, runsIt);
    const affected = clusters.filter((c) => c.versions.coredns === 'v1.12.0').slice(0, 8);
    const groups = correlate(affected.map((c) => dip(c.id, 'coredns', T0)), clusters);

    const names = groups.flatMap((g) => g.sharedAttributes.map((a) => `${a.name}=${a.value}`));
    expect(names.includes('version:coredns=v1.12.0')).toBe(expected);
  });

  it('keeps overlapping incidents with different shared attributes apart', () => {
    const clusters = fleet(500, (i) => i % 50 === 1);
    const regional = clusters.filter((c) => c.region === 'dc-fra1' && c.versions.coredns !== 'v1.12.0').slice(0, 20);
    const rollout = clusters.filter((c) => c.versions.coredns === 'v1.12.0' && c.region !== 'dc-fra1');
    const findings = [
      ...regional.map((c) => dip(c.id, 'apiserver', T0 + (c.id.length % 4) * MIN)),
      ...rollout.map((c, i) => dip(c.id, 'coredns', T0 + 10 * MIN + i * 5 * MIN)),
    ];

    const groups = correlate(findings, clusters);

    expect(groups).toHaveLength(2);
    const byKey = new Map(groups.map((g) => [`${g.sharedAttributes[0]?.name}=${g.sharedAttributes[0]?.value}`, g.clusters.length]));
    expect(byKey.get('region=dc-fra1')).toBe(regional.length);
    expect(byKey.get('version:coredns=v1.12.0')).toBe(rollout.length);
  });

  it('makes no group from info findings, peer outliers or findings inside a declared maintenance window', () => {
    const clusters = fleet(50);
    const findings = [
      dip('c-0001', 'workload', T0, { kind: 'anomaly', severity: 'info' }),
      dip('c-0002', 'workload', T0, { kind: 'peer-outlier', severity: 'warning' }),
      dip('c-0003', 'workload', T0 + 10 * MIN, { severity: 'warning' }),
    ];

    const groups = correlate(findings, clusters, { maintenance: [{ cluster: 'c-0003', startMs: T0, endMs: T0 + 45 * MIN }] });

    expect(groups).toEqual([]);
  });

  it('keeps a finding that began in a maintenance window but outlasted it by hours (the maintenance broke something)', () => {
    const clusters = fleet(50);
    const findings = [dip('c-0003', 'workload', T0 + 10 * MIN, { endMs: T0 + 4 * 60 * MIN })];

    const groups = correlate(findings, clusters, { maintenance: [{ cluster: 'c-0003', startMs: T0, endMs: T0 + 45 * MIN }] });

    expect(groups.map((g) => g.clusters)).toEqual([['c-0003']]);
  });

  it('puts the digest day in the group id: a dip reported by two days\' digests is a group of each', () => {
    const clusters = fleet(50);
    const findings = [dip('c-0001', 'workload', Date.UTC(2025, 5, 3, 23, 30))];

    const [today] = correlate(findings, clusters, { day: '2025-06-03' });
    const [tomorrow] = correlate(findings, clusters, { day: '2025-06-04' });
    const [unset] = correlate(findings, clusters);

    expect(tomorrow.id).not.toBe(today.id);
    expect(unset.id).toBe(today.id);
  });

  it('keeps unrelated incidents on clusters of one tier apart: how a cluster is run (tier, environment) explains no incident', () => {
    const tiers = ['tier-0', 'tier-1', 'tier-2'] as const;
    const clusters = fleet(300).map((c, i) => ({ ...c, tier: tiers[i % 3], environment: i % 6 < 3 ? 'prod' as const : 'staging' as const }));
    const tier1prod = clusters.filter((c) => c.tier === 'tier-1' && c.environment === 'prod');
    const picked = [tier1prod[0], tier1prod[1], tier1prod[2], tier1prod[3]];
    const findings = picked.map((c, i) => dip(c.id, ['coredns', 'ingress-gateway', 'etcd', 'metrics-server'][i], T0 + i * MIN));

    const groups = correlate(findings, clusters);

    expect(new Set(picked.map((c) => c.region)).size).toBe(4);
    expect(groups.map((g) => g.clusters.length)).toEqual([1, 1, 1, 1]);
  });

  it('gives the same deterministic id on a rerun and separate single-cluster groups for unrelated clusters', () => {
    const clusters = fleet(100);
    const findings = [dip('c-0001', 'ingress-gateway', T0), dip('c-0002', 'workload', T0 + 5 * MIN)];

    const a = correlate(findings, clusters);
    const b = correlate([...findings].reverse(), clusters);

    expect(a.map((g) => g.id)).toEqual(b.map((g) => g.id));
    expect(a.map((g) => g.clusters)).toEqual([['c-0001'], ['c-0002']]);
    expect(a[0].sharedAttributes).toEqual([]);
  });
});

describe('correlate: clusters no attribute explains, grouped by a shared component only in a burst', () => {
  const DAY = Date.UTC(2025, 5, 3);
  const at = (hh: number, mm: number) => DAY + (hh * 60 + mm) * MIN;
  const id = (i: number) => `c-${String(i).padStart(4, '0')}`;
  /** `n` CoreDNS dips on scattered clusters, 33 min apart from midnight: none chains with another. */
  const background = (n: number) => Array.from({ length: n }, (_, i) => dip(id(100 + ((i * 37) % 900)), 'coredns', DAY + i * 33 * MIN));
  const multi = (groups: { clusters: string[] }[]) => groups.filter((g) => g.clusters.length > 1).map((g) => g.clusters);

  it('makes ONE group of three clusters whose CoreDNS dips start within 5 minutes on a day with few CoreDNS dips', () => {
    const findings = [...background(3), ...[0, 2, 5].map((m, i) => dip(id(i + 1), 'coredns', at(21, m)))];

    const groups = correlate(findings, fleet(1400), { day: '2025-06-03' });

    expect(multi(groups)).toEqual([['c-0001', 'c-0002', 'c-0003']]);
  });

  it('leaves three CoreDNS dips 40 minutes apart in one 80-minute onset chain apart on a day of 36 CoreDNS dips', () => {
    const findings = [
      ...background(33),
      ...[0, 40, 80].map((m, i) => dip(id(i + 1), 'coredns', at(21, m))),
      ...[20, 60].map((m, i) => dip(id(i + 4), 'etcd', at(21, m))),
    ];

    const groups = correlate(findings, fleet(1400), { day: '2025-06-03' });

    expect(multi(groups)).toEqual([]);
    expect(groups).toHaveLength(38);
  });

  it('still makes ONE group of six clusters whose CoreDNS dips start within 5 minutes on that busy day, leaving a straggler of the chain alone', () => {
    const findings = [
      ...background(36),
      ...[0, 1, 2, 3, 4, 5].map((m, i) => dip(id(i + 1), 'coredns', at(21, m))),
      ...[30, 55].map((m, i) => dip(id(i + 8), 'etcd', at(21, m))),
      dip(id(7), 'coredns', at(22, 5)),
    ];

    const groups = correlate(findings, fleet(1400), { day: '2025-06-03' });

    expect(multi(groups)).toEqual([['c-0001', 'c-0002', 'c-0003', 'c-0004', 'c-0005', 'c-0006']]);
    expect(groups.find((g) => g.clusters.includes('c-0007'))?.clusters).toEqual(['c-0007']);
  });

  it('makes ONE group of three clusters whose CoreDNS dips start within 5 minutes on a day whose other CoreDNS dips are mostly one version\'s rollout', () => {
    const clusters = fleet(1400, (i) => i % 35 === 0);
    const rollout = clusters.filter((c) => c.versions.coredns === 'v1.12.0').map((c, i) => dip(c.id, 'coredns', at(10, Math.floor(i * 1.5))));
    const findings = [...background(3), ...rollout, ...[0, 2, 5].map((m, i) => dip(id(i + 1), 'coredns', at(21, m)))];

    const groups = correlate(findings, clusters, { day: '2025-06-03' });

    expect(groups.filter((g) => g.clusters.length > 1).map((g) => [g.clusters.length, g.sharedAttributes[0]?.value])).toEqual([[40, 'v1.12.0'], [3, undefined]]);
    expect(multi(groups)[1]).toEqual(['c-0001', 'c-0002', 'c-0003']);
  });

  it('gives the same groups and ids on a rerun with the findings in another order', () => {
    const findings = [...background(36), ...[0, 1, 2, 3, 4, 5].map((m, i) => dip(id(i + 1), 'coredns', at(21, m))), dip(id(7), 'coredns', at(21, 30))];

    const a = correlate(findings, fleet(1400), { day: '2025-06-03' });
    const b = correlate([...findings].reverse(), fleet(1400), { day: '2025-06-03' });

    expect(b.map((g) => [g.id, g.clusters])).toEqual(a.map((g) => [g.id, g.clusters]));
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects residualBurstP %s, naming the option', (p) => {
    expect(() => correlate([dip('c-0001', 'coredns', T0)], fleet(10), { residualBurstP: p })).toThrow(/residualBurstP must be a probability in \(0, 1\]/);
  });
});
