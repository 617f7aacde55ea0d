import { describe, expect, it } from 'vitest';
import { analyseGroup, collectEvidence } from '../../../src/rca/engine.js';
import { nicFixture } from './nic-fixture.js';

describe('hypotheses', () => {
  it('checks and rejects the unrelated deploy that landed 12 minutes before the onset, citing it', async () => {
    const { group, ports, ctx, nowMs, deploy } = nicFixture();
    const evidence = await collectEvidence(group, ports, { nowMs, fail: () => undefined });

    const result = analyseGroup(group, evidence, ctx);

    const deployRow = evidence.find((e) => e.source === 'changes' && (e.data.change as { component: string }).component === deploy.component);
    expect(deployRow).toBeDefined();
    const rejected = result.rejected.find((r) => r.evidenceIds.includes(deployRow!.id));
    expect(rejected?.text).toMatch(new RegExp(`${deploy.component}.*not the cause`));
    expect(result.top?.entity.component).not.toBe(deploy.component);
  });

  it('says inconclusive and names what is missing when the drill-down sources fail', async () => {
    const { group, ports, ctx, nowMs } = nicFixture();
    const down = async () => { throw new Error('unreachable'); };
    const broken = { ...ports, metrics: { query: down }, events: { listEvents: down }, logs: { search: down } };
    const evidence = await collectEvidence(group, broken, { nowMs, fail: () => undefined });

    const result = analyseGroup(group, evidence, ctx);

    expect(result.verdict).toBe('inconclusive');
    expect(result.top).toBeUndefined();
    expect(result.operation).toBeUndefined();
    expect(result.missing.join('\n')).toMatch(/node drill-down metrics/);
    expect(result.missing.join('\n')).toMatch(/error logs/);
  });

  it('scores every hypothesis claim with evidence ids from the ledger and ranks them best first', async () => {
    const { group, ports, ctx, nowMs } = nicFixture();
    const evidence = await collectEvidence(group, ports, { nowMs, fail: () => undefined });
    const known = new Set(evidence.map((e) => e.id));

    const result = analyseGroup(group, evidence, ctx);

    const claims = result.hypotheses.flatMap((h) => [...h.supporting, ...h.contradicting]).concat(result.rejected);
    expect(claims.length).toBeGreaterThan(3);
    expect(claims.every((c) => c.evidenceIds.length > 0 && c.evidenceIds.every((id) => known.has(id)))).toBe(true);
    expect(result.hypotheses.map((h) => h.score)).toEqual([...result.hypotheses.map((h) => h.score)].sort((a, b) => b - a));
  });

  it.each([
    [-3, -2, 'contradicting'],
    [1.5, 1.5, 'supporting'],
  ])('applies feedback priors keyed by the incident signature (prior %d → score change %d)', async (prior, change, side) => {
    const { group, ports, ctx, nowMs } = nicFixture();
    const plain = analyseGroup(group, await collectEvidence(group, ports, { nowMs, fail: () => undefined }), ctx);
    const feedbackPriors = new Map([[`${plain.signature}::node.nic-saturation`, prior], ['sig-other::node.nic-saturation', 5]]);
    const evidence = await collectEvidence(group, ports, { nowMs, fail: () => undefined, feedbackPriors });

    const result = analyseGroup(group, evidence, { ...ctx, feedbackPriors });

    const before = plain.hypotheses.find((h) => h.failureMode === 'node.nic-saturation')!;
    const after = result.hypotheses.find((h) => h.failureMode === 'node.nic-saturation')!;
    expect(after.score - before.score).toBeCloseTo(change, 5);
    const claim = after[side as 'supporting' | 'contradicting'].find((c) => /past feedback/.test(c.text));
    const cited = evidence.filter((e) => claim?.evidenceIds.includes(e.id));
    expect(cited.map((e) => [e.source, e.excerpt])).toEqual([['history', expect.stringMatching(new RegExp(`signature ${plain.signature} that blamed node.nic-saturation: ${prior > 0 ? '\\+' : ''}${prior} `))]]);
  });

  it('moves no score on a feedback prior whose history row is not in the ledger (nothing to cite)', async () => {
    const { group, ports, ctx, nowMs } = nicFixture();
    const evidence = await collectEvidence(group, ports, { nowMs, fail: () => undefined });
    const plain = analyseGroup(group, evidence, ctx);

    const result = analyseGroup(group, evidence, { ...ctx, feedbackPriors: new Map([[`${plain.signature}::node.nic-saturation`, 2]]) });

    expect(result.hypotheses).toEqual(plain.hypotheses);
  });
});
