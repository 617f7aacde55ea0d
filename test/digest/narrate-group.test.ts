import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBedrockLlm } from '../../src/adapters/llm/bedrock/index.js';
import { createTokenBudget } from '../../src/adapters/llm/token-budget.js';
import type { EvidenceRow } from '../../src/adapters/store/types.js';
import { silentLogger } from '../../src/core/logger.js';
import { narrateGroup, readOnlyTools, type DigestLlm } from '../../src/digest/narrate-group.js';
import type { RunbookIndex } from '../../src/runbooks/index.js';
import { startBedrockFake, type BedrockFake } from '../fakes/bedrock-fake.js';

const T0 = Date.UTC(2026, 10, 29, 14, 5);
const row = (id: string, excerpt: string): EvidenceRow => ({ id, groupId: 'g1', source: 'logs', query: 'orders-api errors', startMs: T0, endMs: T0 + 3_600_000, excerpt, data: {}, createdAtMs: T0 });
const SECRETS = ['hunter2', 'S3cretPass', 'pgpass77', 'YWRtaW46aHVudGVy'];
const LEDGER = [
  row('ev-db', 'dial failed: postgres://orders:pgpass77@db-primary:5432/orders (timeout)\nGET https://admin:S3cretPass@10.1.2.3/metrics 401'),
  row('ev-json', '{"level":"error","msg":"db auth failed","password":"hunter2","authorization":"Basic YWRtaW46aHVudGVy"}'),
];
const noRunbooks = { search: () => [] } as unknown as RunbookIndex;
const TEMPLATE = {
  summary: 'template summary', rootCause: { statement: 'template root cause', evidenceIds: ['ev-db'] },
  claims: [{ text: 'template claim', evidenceIds: ['ev-db'] }], rejectedHypotheses: [], nextSteps: [],
};

describe('evidence sent to the LLM', () => {
  let fake: BedrockFake;
  beforeEach(async () => { fake = await startBedrockFake(); });
  afterEach(async () => { await fake.close(); });

  it('read_evidence redacts the row field by field: a JSON log line\'s password and Basic credentials never leave', async () => {
    const [readEvidence] = readOnlyTools(LEDGER, noRunbooks);

    const out = await readEvidence.run({ id: 'ev-json' });

    for (const secret of SECRETS) expect(out).not.toContain(secret);
    expect(out).toContain('[REDACTED:');
  });

  it('no secret of the evidence reaches Bedrock, in the prompt or in a tool result (real SDK against the fake)', async () => {
    const budget = createTokenBudget(1_000_000);
    const client = createBedrockLlm({
      region: 'eu-west-1', modelId: 'test-model', endpoint: fake.endpoint, credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      requestHandler: new NodeHttpHandler(), logger: silentLogger, budget, maxAttempts: 1,
    });
    const llm: DigestLlm = { client, budget, maxSteps: 4, maxCalls: 20 };
    fake.script({ toolUses: [{ name: 'read_evidence', input: { id: 'ev-json' } }] }, { text: 'not json' });

    await narrateGroup({ group: { id: 'g1', title: 'orders-api dip', facts: [] }, ledger: LEDGER, template: TEMPLATE, llm, runbookIndex: noRunbooks, logger: silentLogger });

    expect(fake.requests).toHaveLength(2);
    const sent = fake.requests.map((r) => r.raw).join('\n');
    expect(SECRETS.filter((s) => sent.includes(s))).toEqual([]);
  });
});
