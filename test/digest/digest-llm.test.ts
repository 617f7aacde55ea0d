import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBedrockLlm } from '../../src/adapters/llm/bedrock/index.js';
import { createTokenBudget } from '../../src/adapters/llm/token-budget.js';
import { silentLogger } from '../../src/core/logger.js';
import { availabilityDigestJob, type DigestSummary } from '../../src/digest/availability-digest-job.js';
import { formatDigestSummary } from '../../src/digest/format-digest-summary.js';
import type { DigestLlm } from '../../src/digest/narrate-group.js';
import type { DigestEngine } from '../../src/digest/rca-contract.js';
import { startBedrockFake, type BedrockFake } from '../fakes/bedrock-fake.js';
import { DAY, dipFindings, END_MS, handEngine, harness, NOW_MS, type Harness } from './digest-fixtures.js';

let fake: BedrockFake;
let h: Harness | undefined;
beforeEach(async () => { fake = await startBedrockFake(); });
afterEach(async () => {
  expect(fake.unexpected).toEqual([]);
  await fake.close();
  await h?.store.close();
  h = undefined;
});

function bedrock(maxCalls: number): DigestLlm {
  const budget = createTokenBudget(1_000_000);
  const client = createBedrockLlm({
    region: 'eu-west-1', modelId: 'test-model', endpoint: fake.endpoint, credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    requestHandler: new NodeHttpHandler(), logger: silentLogger, budget, maxAttempts: 1,
  });
  return { client, budget, maxSteps: 3, maxCalls };
}

/** An answer citing the hand engine's evidence of group `i` (or invented ids). */
function answer(i: number, ids = [`ev-${i}-2`]): string {
  return JSON.stringify({
    summary: `comp-${i} 2.0.1 rolled out before the dip.`,
    rootCause: { statement: `The rollout of comp-${i} 2.0.1 caused the dip.`, evidenceIds: ids },
    claims: [{ text: `comp-${i} 2.0.1 rolled out at 10:02.`, evidenceIds: ids }],
    rejectedHypotheses: [],
    nextSteps: ['Roll back the version.'],
  });
}

async function digest(hh: Harness, llm: DigestLlm, engine: DigestEngine = handEngine()) {
  let summary: DigestSummary | undefined;
  const result = await hh.run(async (ctx) => (summary = await availabilityDigestJob(hh.deps, ctx, { day: DAY, endMs: END_MS, engine, llm, concurrency: 1 })));
  return { result, summary: summary! };
}

describe('availability digest with the Bedrock narrative (real SDK against the local fake)', () => {
  it('uses a grounded answer and falls back to the template for one citing invented evidence, recording the rejection', async () => {
    h = await harness({ findings: dipFindings(2, 2), clusterCount: 4 });
    fake.script({ text: answer(0) }, { text: answer(1, ['ev-invented-1']) });

    const { result, summary } = await digest(h, bedrock(20));

    expect(result.exitCode).toBe(0);
    expect(summary).toMatchObject({ llmCalls: 2, llmAccepted: 1 });
    const accepted = await h.store.rcas.get('g-0');
    const rejected = await h.store.rcas.get('g-1');
    expect(accepted?.engine).toBe('bedrock');
    expect(rejected?.engine).toBe('template');
    const body = rejected?.body as { llm: { rejection: { reasons: string[] } }; narrative: { rootCause: { evidenceIds: string[] } } };
    expect(body.llm.rejection.reasons.join(' ')).toMatch(/ev-invented-1.*not in the ledger/);
    expect(body.narrative.rootCause.evidenceIds).toEqual(['ev-1-2', 'ev-1-1']);
  });

  it('publishes an accepted answer\'s text as data: no mention, broadcast or link reaches Slack', async () => {
    h = await harness({ findings: dipFindings(1, 2), clusterCount: 2 });
    const planted = '<!channel> <@U0123ABCD> <https://evil.example|click> @here';
    const a = JSON.parse(answer(0)) as { summary: string; rootCause: { statement: string } };
    fake.script({ text: JSON.stringify({ ...a, summary: `${planted} ${a.summary}`, rootCause: { ...a.rootCause, statement: `${a.rootCause.statement} ${planted}` } }) });

    const { summary } = await digest(h, bedrock(20));

    expect(summary).toMatchObject({ llmCalls: 1, llmAccepted: 1 });
    const sent = JSON.stringify(h.outbox.readAll('fleet-availability'));
    expect(sent).toContain('&lt;!channel&gt;');
    for (const raw of ['<!channel>', '<@U0123ABCD>', '<https://evil.example', '@here']) expect(sent).not.toContain(raw);
  });

  it.each([
    { groups: 3, cap: 20, calls: 3 },
    { groups: 25, cap: 20, calls: 20 },
    { groups: 6, cap: 2, calls: 2 },
  ])('makes at most min(groups, cap) calls: $groups groups, cap $cap → $calls', async ({ groups, cap, calls }) => {
    h = await harness({ findings: dipFindings(groups, 1), clusterCount: groups });
    fake.script(...Array.from({ length: calls }, (_, i) => ({ text: answer(i) })));

    const { summary } = await digest(h, bedrock(cap));

    expect(fake.requests).toHaveLength(calls);
    expect(summary.llmCalls).toBe(calls);
    expect(summary.groups).toBe(groups);
    const capped = await h.store.rcas.get(`g-${groups - 1}`);
    if (groups > cap) expect(JSON.stringify(capped?.body)).toContain('LLM call cap reached');
  });
});

describe('a digest rerun and the model narrative it published', () => {
  const THROTTLED = { error: { status: 429, type: 'ThrottlingException', message: 'Too many requests' } };
  const MODEL_SUMMARY = 'comp-0 2.0.1 rolled out before the dip.';
  const published = (hh: Harness) => ({
    slack: JSON.stringify(hh.outbox.readAll('fleet-availability')),
    doc: readdirSync(join(hh.dir, 'docs')).filter((f) => f.endsWith('.md')).map((f) => readFileSync(join(hh.dir, 'docs', f), 'utf8')).join('\n'),
  });
  /** The hand engine with one more evidence row for group 0: the evidence changed since run 1. */
  const withNewEvidence = (): DigestEngine => {
    const base = handEngine();
    return {
      ...base,
      async collectEvidence(group, ports, ctx) {
        const rows = await base.collectEvidence(group, ports, ctx);
        return [...rows, { ...rows[0], id: 'ev-0-3', query: 'query 3 of group 0', excerpt: 'restarts rose on 2 clusters', data: { n: 3 } }];
      },
    };
  };

  it('keeps the stored narrative when the evidence is the same: no model call, the RCA, Slack reply and document still the model\'s', async () => {
    h = await harness({ findings: dipFindings(1, 2), clusterCount: 2 });
    fake.script({ text: answer(0) });
    await digest(h, bedrock(20));
    const first = await h.store.rcas.get('g-0');
    expect(first?.engine).toBe('bedrock');
    h.clock.set(NOW_MS + 3_600_000);
    fake.script(THROTTLED);

    const { result, summary } = await digest(h, bedrock(20));

    expect(result.exitCode).toBe(0);
    expect(fake.requests).toHaveLength(1);
    expect(summary).toMatchObject({ llmCalls: 0, llmAccepted: 0, llmReused: 1 });
    const rca = await h.store.rcas.get('g-0');
    const body = rca?.body as { narrative: { summary: string }; llm: { used: boolean; reusedFrom?: { runId: string }; rejection?: unknown } };
    expect(rca?.engine).toBe('bedrock');
    expect(rca?.runId).not.toBe(first?.runId);
    expect(body.narrative).toEqual((first?.body as { narrative: unknown }).narrative);
    expect(body.llm).toMatchObject({ used: true, reusedFrom: { runId: first?.runId } });
    expect(body.llm.rejection).toBeUndefined();
    const out = published(h);
    expect(out.slack).toContain(MODEL_SUMMARY);
    expect(out.doc).toContain(MODEL_SUMMARY);
  });

  it('counts a reused narrative as reused, not as an accepted call, next to a fresh answer: no tokens for it, none counted twice', async () => {
    h = await harness({ findings: dipFindings(2, 2), clusterCount: 4 });
    fake.script({ text: answer(0) }, THROTTLED);
    await digest(h, bedrock(20));
    const first = await h.store.rcas.get('g-0');
    h.clock.set(NOW_MS + 3_600_000);
    fake.script({ text: answer(1) });
    const llm = bedrock(20);

    const { summary } = await digest(h, llm);

    expect(fake.requests).toHaveLength(3);
    expect(summary).toMatchObject({ llmCalls: 1, llmAccepted: 1, llmReused: 1 });
    const reused = (await h.store.rcas.get('g-0'))?.body as { llm: { reusedFrom?: { runId: string }; usage: { inputTokens: number; outputTokens: number } } };
    const fresh = (await h.store.rcas.get('g-1'))?.body as { llm: { reusedFrom?: unknown; usage: { inputTokens: number; outputTokens: number } } };
    expect(reused.llm).toMatchObject({ reusedFrom: { runId: first?.runId }, usage: { inputTokens: 0, outputTokens: 0 } });
    expect(fresh.llm.reusedFrom).toBeUndefined();
    expect(fresh.llm.usage.inputTokens).toBeGreaterThan(0);
    expect(llm.budget.usedTokens()).toBe(fresh.llm.usage.inputTokens + fresh.llm.usage.outputTokens);
    expect(formatDigestSummary(summary, { outDir: 'out', channel: '#c' })).toContain('1 LLM calls (1 narratives accepted, 1 reused without a call)');
  });

  it('asks the model again when the evidence changed, and says in the RCA why the stored narrative was not kept when that call fails', async () => {
    h = await harness({ findings: dipFindings(1, 2), clusterCount: 2 });
    fake.script({ text: answer(0) });
    await digest(h, bedrock(20));
    const first = await h.store.rcas.get('g-0');
    h.clock.set(NOW_MS + 3_600_000);
    fake.script(THROTTLED);

    const { result } = await digest(h, bedrock(20), withNewEvidence());

    expect(result.exitCode).toBe(0);
    expect(fake.requests).toHaveLength(2);
    const rca = await h.store.rcas.get('g-0');
    const body = rca?.body as { evidenceIds: string[]; llm: { used: boolean; reusedFrom?: unknown; rejection: { reasons: string[] } } };
    expect(rca?.engine).toBe('template');
    expect(body.evidenceIds).toContain('ev-0-3');
    expect(body.llm.reusedFrom).toBeUndefined();
    expect(body.llm.rejection.reasons[0]).toBe(`the model narrative of run ${first?.runId} was not reused: the group's evidence changed since (1 rows new, 0 gone)`);
    expect(body.llm.rejection.reasons[1]).toMatch(/^llm call failed: .*ThrottlingException/);
    expect(published(h).slack).not.toContain(MODEL_SUMMARY);
  });

  it('publishes the new answer when the evidence changed and the model answers', async () => {
    h = await harness({ findings: dipFindings(1, 2), clusterCount: 2 });
    fake.script({ text: answer(0) });
    await digest(h, bedrock(20));
    h.clock.set(NOW_MS + 3_600_000);
    const a = JSON.parse(answer(0)) as { summary: string };
    fake.script({ text: JSON.stringify({ ...a, summary: 'comp-0 2.0.1 rolled out, then restarts rose.' }) });

    await digest(h, bedrock(20), withNewEvidence());

    expect(fake.requests).toHaveLength(2);
    const rca = await h.store.rcas.get('g-0');
    expect(rca?.engine).toBe('bedrock');
    expect((rca?.body as { narrative: { summary: string } }).narrative.summary).toBe('comp-0 2.0.1 rolled out, then restarts rose.');
    expect(published(h).slack).toContain('then restarts rose');
  });
});
