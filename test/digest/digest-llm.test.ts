import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBedrockLlm } from '../../src/adapters/llm/bedrock/index.js';
import { createTokenBudget } from '../../src/adapters/llm/token-budget.js';
import { silentLogger } from '../../src/core/logger.js';
import { availabilityDigestJob, type DigestSummary } from '../../src/digest/availability-digest-job.js';
import type { DigestLlm } from '../../src/digest/narrate-group.js';
import { startBedrockFake, type BedrockFake } from '../fakes/bedrock-fake.js';
import { DAY, dipFindings, END_MS, handEngine, harness, type Harness } from './digest-fixtures.js';

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

async function digest(hh: Harness, llm: DigestLlm) {
  let summary: DigestSummary | undefined;
  const result = await hh.run(async (ctx) => (summary = await availabilityDigestJob(hh.deps, ctx, { day: DAY, endMs: END_MS, engine: handEngine(), llm, concurrency: 1 })));
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
