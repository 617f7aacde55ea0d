import { describe, expect, it } from 'vitest';
import { createNoChanges } from '../../../src/adapters/changes/none/index.js';
import { createNoEvents } from '../../../src/adapters/events/none/index.js';
import { createNoLogs } from '../../../src/adapters/logs/none/index.js';
import { analyseGroup, collectEvidence } from '../../../src/rca/engine.js';
import { buildUserMessage } from '../../../src/rca/narrative/prompt.js';
import { nicFixture } from '../hypotheses/nic-fixture.js';

describe('evidence sources with kind none', () => {
  const notConfigured = () => {
    const fixture = nicFixture();
    return { ...fixture, ports: { ...fixture.ports, logs: createNoLogs(), events: createNoEvents(), changes: createNoChanges() } };
  };

  it('give one "not configured" row each, in the query window, instead of reading nothing and saying nothing', async () => {
    const { group, ports, nowMs, cluster } = notConfigured();
    const failed: string[] = [];

    const rows = await collectEvidence(group, ports, { nowMs, fail: (part) => failed.push(part) });

    const sourced = rows.filter((r) => ['logs', 'events', 'changes'].includes(r.source));
    expect(failed).toEqual([]);
    expect(sourced.map((r) => r.source).sort()).toEqual(['changes', 'events', 'logs']);
    expect(sourced.every((r) => r.data.fact === 'source-not-configured' && r.startMs < group.startMs && r.endMs > group.startMs)).toBe(true);
    expect(sourced.map((r) => r.excerpt).sort()).toEqual([
      `changes not configured (changes.kind: none): no deploys or config changes of ${cluster} were read, so whether anything was deployed or reconfigured before the onset is unknown`,
      `events not configured (events.kind: none): no Kubernetes events of ${cluster} were read, so whether they recorded warnings (evictions, restarts, failed mounts) is unknown`,
      `logs not configured (logs.kind: none): no log lines of ${cluster} were read, so whether they logged errors is unknown`,
    ]);
  });

  it('leave the engine ranking the root cause on the metrics, with no claim resting on the missing sources', async () => {
    const { group, ports, nowMs, ctx, truth } = notConfigured();
    const rows = await collectEvidence(group, ports, { nowMs, fail: () => undefined });

    const rca = analyseGroup(group, rows, ctx);

    expect(rca.verdict).toBe('root-cause');
    expect(rca.top).toMatchObject({ failureMode: 'node.nic-saturation', entity: { cluster: truth.rootCause.cluster, node: truth.rootCause.node } });
    const unconfigured = new Set(rows.filter((r) => r.data.fact === 'source-not-configured').map((r) => r.id));
    const claims = [...rca.hypotheses.flatMap((h) => [...h.supporting, ...h.contradicting]), ...rca.rejected];
    expect(claims.filter((c) => c.evidenceIds.some((id) => unconfigured.has(id)))).toEqual([]);
  });

  it('show the model that the sources were not read (the prompt carries the rows)', async () => {
    const { group, ports, nowMs } = notConfigured();
    const rows = await collectEvidence(group, ports, { nowMs, fail: () => undefined });

    const prompt = buildUserMessage({ id: group.id, title: group.title, facts: [] }, rows);

    for (const source of ['logs', 'events', 'changes']) expect(prompt).toContain(`${source} not configured (${source}.kind: none)`);
  });
});
