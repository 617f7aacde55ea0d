import { describe, expect, it } from 'vitest';
import { createOpenSearchLogs } from '../../src/adapters/logs/opensearch/index.js';
import type { LogLine, LogQuery } from '../../src/adapters/logs/types.js';
import { fixedClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { evidencePlan, logEvidence } from '../../src/rca/evidence/index.js';
import { createSimulatedAdapters, createSimulatedFleet } from '../../src/simulator/index.js';
import { startOpenSearchFake, type OpenSearchFake } from '../fakes/opensearch-fake.js';
import { useFake } from '../support/use-fake.js';

const MIN = 60_000;
const fleet = createSimulatedFleet({ clusters: 300 });
const logs = createSimulatedAdapters(fleet).logs;
const noisy = fleet.groundTruth.find((s) => s.kind === 'noisy-neighbour-dns')!;
const q: LogQuery = { clusters: noisy.clusters, startMs: noisy.startMs - 30 * MIN, endMs: noisy.endMs, limit: 10_000 };
const group = { id: 'g', title: 't', startMs: noisy.startMs, endMs: noisy.endMs, clusters: noisy.clusters, components: ['coredns'], signals: [], findings: [], sharedAttributes: [], severity: 'critical' as const };
const scope = evidencePlan(group, noisy.endMs).componentNamespaces;
let fake: OpenSearchFake;
useFake(startOpenSearchFake, (f) => { fake = f; });

const key = (l: LogLine) => `${l.tsMs} ${l.namespace}/${l.pod} ${l.component} ${l.level} ${l.message}`;

describe('simulated logs: the query semantics of the OpenSearch adapter', () => {
  it('leaves out info and debug lines of a warning-and-error search before the limit', async () => {
    const all = await logs.search(q);
    const problems = await logs.search({ ...q, problemsOnly: true });
    const limited = await logs.search({ ...q, problemsOnly: true, limit: 3 });

    expect(all.some((l) => l.level === 'info')).toBe(true);
    expect(problems.length).toBeGreaterThan(3);
    expect(problems).toEqual(all.filter((l) => l.level === 'warn' || l.level === 'error'));
    expect(limited).toEqual(problems.slice(0, 3));
  });

  it('answers a search for some components with theirs only, before the limit', async () => {
    const all = await logs.search(q);
    const own = await logs.search({ ...q, components: ['coredns', 'batch-export'] });

    expect(own.length).toBeGreaterThan(0);
    expect(own).toEqual(all.filter((l) => ['coredns', 'batch-export'].includes(l.component)));
    expect(await logs.search({ ...q, components: [] })).toEqual([]);
  });

  it.each([
    { name: 'warning and error lines', extra: { problemsOnly: true } },
    { name: 'the incident component\'s own, in its namespaces', extra: { problemsOnly: true, components: ['coredns'], componentNamespaces: scope } },
    { name: 'every line', extra: {} },
  ])('answers as OpenSearch does over the same lines shipped with a level field: $name', async ({ extra }) => {
    const shipped = await logs.search(q);
    fake.add(...shipped.map((l) => ({
      index: 'logs-k8s-sim',
      source: { '@timestamp': l.tsMs, cluster: l.cluster, level: l.level.toUpperCase(), log: l.message, kubernetes: { namespace_name: l.namespace, pod_name: l.pod, container_name: l.component, labels: { app: l.component } } },
    })));
    const openSearch = createOpenSearchLogs({ node: fake.url, indexPattern: 'logs-k8s-*', logger: silentLogger, clock: fixedClock(noisy.endMs), retries: 0, maxSize: 10_000 });

    const simulated = await logs.search({ ...q, ...extra });
    const real = await openSearch.search({ ...q, ...extra });

    expect(simulated.length).toBeGreaterThan(0);
    expect(real.map(key).sort()).toEqual(simulated.map(key).sort());
  });

  it('gives the RCA the noisy neighbour\'s CoreDNS errors and no info lines', async () => {
    const rows = await logEvidence(logs, evidencePlan(group, noisy.endMs + 60 * MIN));

    expect(rows.some((r) => r.data.component === 'coredns' && r.data.level === 'error' && r.data.rose === true)).toBe(true);
    expect(rows.every((r) => r.data.level === 'warn' || r.data.level === 'error')).toBe(true);
  });
});
