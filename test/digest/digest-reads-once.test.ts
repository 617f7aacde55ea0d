import { afterEach, describe, expect, it } from 'vitest';
import type { AnomalyRow } from '../../src/adapters/store/types.js';
import { FleetopsConfig } from '../../src/core/config/schema.js';
import { availabilityDigestJob, type DigestSummary } from '../../src/digest/availability-digest-job.js';
import type { DigestEngine } from '../../src/digest/rca-contract.js';
import { collectEvidence } from '../../src/rca/engine.js';
import { DAY, dipFindings, END_MS, handEngine, harness, type Harness } from './digest-fixtures.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.store.close();
  h = undefined;
});

async function digest(hh: Harness, engine: DigestEngine, maxAnalysedGroups = 200) {
  hh.deps.config = FleetopsConfig.parse({ digest: { maxAnalysedGroups } });
  let summary: DigestSummary | undefined;
  const result = await hh.run(async (ctx) => (summary = await availabilityDigestJob(hh.deps, ctx, { day: DAY, endMs: END_MS, engine, concurrency: 1 })));
  expect(result.failures).toEqual([]);
  return summary!;
}

const countBy = (xs: readonly string[]) => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());

describe('the digest reads once what several steps need', () => {
  it('reads a cluster\'s topology once for the evidence collector and the analysis', async () => {
    h = await harness({ findings: dipFindings(2, 4), clusterCount: 8 });
    const reads: string[] = [];
    const inventory = h.deps.inventory();
    h.deps.inventory = () => ({ ...inventory, getTopology: async (cluster, signal) => (reads.push(cluster), inventory.getTopology(cluster, signal)) });
    // the real collector (pod drill-down and topology part read the sampled clusters' topology)
    const engine = handEngine();
    engine.collectEvidence = (group, ports, ctx) => collectEvidence(group, ports, ctx);
    const analysedWith: string[] = [];
    const analyse = engine.analyseGroup.bind(engine);
    engine.analyseGroup = (group, evidence, ctx) => (analysedWith.push(...ctx.topology.keys()), analyse(group, evidence, ctx));

    const summary = await digest(h, engine);

    expect(summary).toMatchObject({ groups: 2, rootCauses: 2 });
    // each group's first cluster is sampled by the collector and read by the analysis
    expect(analysedWith).toEqual(['c-eu-west-1-0000', 'c-eu-west-1-0004']);
    // before: the first clusters (0000, 0004) were read twice, once by each
    expect(Object.fromEntries(countBy(reads))).toEqual({
      'c-eu-west-1-0000': 1, 'c-eu-west-1-0001': 1, 'c-eu-west-1-0002': 1,
      'c-eu-west-1-0004': 1, 'c-eu-west-1-0005': 1, 'c-eu-west-1-0006': 1,
    });
  });

  it('records a topology read that fails for the analysis and for the evidence, and reads it once', async () => {
    h = await harness({ findings: dipFindings(1, 2), clusterCount: 2 });
    const reads: string[] = [];
    const inventory = h.deps.inventory();
    h.deps.inventory = () => ({ ...inventory, getTopology: async (cluster, signal) => (reads.push(cluster), cluster === 'c-eu-west-1-0000' ? Promise.reject(new Error('inventory 503')) : inventory.getTopology(cluster, signal)) });
    const engine = handEngine();
    engine.collectEvidence = (group, ports, ctx) => collectEvidence(group, ports, ctx);

    const result = await h.run(async (ctx) => availabilityDigestJob(h!.deps, ctx, { day: DAY, endMs: END_MS, engine }));

    expect(result.failures.map((f) => f.part)).toEqual(['group:g-0:evidence:topology:g-0', 'topology:c-eu-west-1-0000']);
    expect(Object.fromEntries(countBy(reads))).toEqual({ 'c-eu-west-1-0000': 1, 'c-eu-west-1-0001': 1 });
    expect((await h.store.rcas.get('g-0'))?.verdict).toBe('root-cause');
  });

  it('measures each group\'s brief once: analysed, reused and not-analysed groups alike', async () => {
    h = await harness({ findings: dipFindings(4, 2), clusterCount: 8 });
    await digest(h, handEngine(), 3);
    const burnReads = new Map<string, number>();
    const engine = handEngine();
    const correlate = engine.correlate.bind(engine);
    // only a brief reads a group's findings' burned budget (the SLO table reads the store's findings)
    const counted = (f: AnomalyRow): AnomalyRow => ({
      ...f,
      details: Object.defineProperty({ ...f.details }, 'budgetBurnedFraction', {
        enumerable: true, get: () => (burnReads.set(f.id, (burnReads.get(f.id) ?? 0) + 1), f.details.budgetBurnedFraction),
      }),
    });
    engine.correlate = (findings, clusters, opts) => correlate(findings, clusters, opts).map((g) => ({ ...g, findings: g.findings.map(counted) }));

    const summary = await digest(h, engine, 1);

    expect(summary).toMatchObject({ groups: 4, reusedAnalyses: 2, notAnalysed: 1 });
    // before: twice each (the digest's order, then the group's view or not-analysed brief)
    expect([...burnReads.values()]).toEqual(Array(8).fill(1));
    expect([...burnReads.keys()].sort()).toEqual(dipFindings(4, 2).map((f) => f.id).sort());
  });
});
