import { describe, expect, it } from 'vitest';
import { createStore } from '../../../src/adapters/store/index.js';
import { collectEvidence } from '../../../src/rca/engine.js';
import { evidenceRow } from '../../../src/rca/evidence/index.js';
import { nicFixture } from '../hypotheses/nic-fixture.js';

describe('evidence collectors', () => {
  it('give the same content-hash ids for the same input, whatever the time of collection', async () => {
    const { group, ports, nowMs } = nicFixture();
    const fail = (p: string, e: unknown) => { throw new Error(`${p}: ${String(e)}`); };

    const a = await collectEvidence(group, ports, { nowMs, fail });
    const b = await collectEvidence(group, ports, { nowMs, fail });

    expect(a.length).toBeGreaterThan(10);
    expect(b.map((e) => e.id)).toEqual(a.map((e) => e.id));
    expect(new Set(a.map((e) => e.id)).size).toBe(a.length);
    expect(new Set(a.map((e) => e.source))).toEqual(new Set(['metrics', 'events', 'logs', 'changes', 'topology']));
  });

  it('writes immutable rows that a store accepts again on a rerun', async () => {
    const { group, ports, nowMs } = nicFixture();
    const store = await createStore({ kind: 'sqlite', path: ':memory:' } as never);
    await store.migrate();
    const rows = await collectEvidence(group, ports, { nowMs, fail: () => undefined });

    const first = await store.evidence.insertMany(rows);
    const again = await store.evidence.insertMany(await collectEvidence(group, ports, { nowMs: nowMs + 3_600_000, fail: () => undefined }));

    expect(first).toBe(rows.length);
    expect(again).toBe(0);
    expect(Object.isFrozen(rows[0])).toBe(true);
    await store.close();
  });

  it('accepts again on a rerun a row whose text holds half an emoji (a log line cut inside a surrogate pair)', async () => {
    const store = await createStore({ kind: 'sqlite', path: ':memory:' } as never);
    await store.migrate();
    const half = `${'x'.repeat(179)}😀 tail`.slice(0, 180);
    const draft = { source: 'logs' as const, query: 'q', startMs: 1, endMs: 2, excerpt: `1× error: "${half}"`, data: { message: half } };

    const first = await store.evidence.insertMany([evidenceRow('g1', draft, 10)]);
    const again = await store.evidence.insertMany([evidenceRow('g1', draft, 20)]);

    expect([first, again]).toEqual([1, 0]);
    expect(evidenceRow('g1', draft, 10).excerpt.endsWith('x\uFFFD"')).toBe(true);
    await store.close();
  });

  it.each([
    ['excerpt', { excerpt: 'other' }],
    ['data', { data: { fact: 'x', value: 2 } }],
    ['query', { query: 'q2' }],
  ])('derives a new id when the %s changes', (_field, patch) => {
    const base = { source: 'metrics' as const, query: 'q', startMs: 1, endMs: 2, excerpt: 'e', data: { fact: 'x', value: 1 } };

    const a = evidenceRow('g1', base, 10);
    const b = evidenceRow('g1', { ...base, ...patch }, 10);

    expect(b.id).not.toBe(a.id);
    expect(evidenceRow('g1', { ...base, data: { value: 1, fact: 'x' } }, 99).id).toBe(a.id);
  });

  it('puts numbers before and during the incident in the drill-down excerpts', async () => {
    const { group, ports, nowMs, truth } = nicFixture();

    const rows = await collectEvidence(group, ports, { nowMs, fail: () => undefined });

    const nic = rows.find((r) => r.data.signal === 'node_network_saturation' && r.data.node === truth.rootCause.node);
    expect(nic?.excerpt).toMatch(/node_network_saturation on node .+: 0\.\d+ before → 0\.9\d* during/);
  });

  it('reports a failing source through ctx.fail and still returns the rest', async () => {
    const { group, ports, nowMs } = nicFixture();
    const failed: string[] = [];
    const broken = { ...ports, logs: { search: async () => { throw new Error('opensearch down'); } } };

    const rows = await collectEvidence(group, broken, { nowMs, fail: (part) => failed.push(part) });

    expect(failed).toEqual([`evidence:logs:${group.id}`]);
    expect(rows.some((r) => r.source === 'logs')).toBe(false);
    expect(rows.some((r) => r.source === 'events')).toBe(true);
  });
});
