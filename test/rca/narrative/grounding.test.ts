import { describe, expect, it } from 'vitest';
import { checkGrounding } from '../../../src/rca/narrative/grounding.js';
import type { Narrative } from '../../../src/rca/narrative/llm-narrative.js';
import { FACTS, goodAnswer, LEDGER } from './fixtures.js';

const withAnswer = (edit: (a: Narrative) => void): string => {
  const a = goodAnswer();
  edit(a);
  return JSON.stringify(a);
};

describe('checkGrounding', () => {
  it('accepts an answer whose ids and numbers are all in the cited evidence or the facts', () => {
    const result = checkGrounding(JSON.stringify(goodAnswer()), LEDGER, FACTS);

    expect(result).toEqual({ ok: true, answer: goodAnswer() });
  });

  it('accepts one fenced json block', () => {
    const result = checkGrounding('```json\n' + JSON.stringify(goodAnswer()) + '\n```', LEDGER, FACTS);

    expect(result.ok).toBe(true);
  });

  it.each([
    ['the same value and unit written differently', 'SERVFAIL rose within 5.0m.', ['ev-errors']],
    ['a bare number from structured data', 'p99 latency reached 850 ms.', ['ev-errors']],
    ['a time from the evidence window', 'Errors started at 14:05 UTC.', ['ev-errors']],
    ['a time from the evidence window with seconds', 'Errors ended at 15:05:00.', ['ev-errors']],
    ['a unit written after a space', 'SERVFAIL rose to 12.5 % within 5 minutes, p99 850 milliseconds.', ['ev-errors']],
    ['a count with its noun', 'The rollout reached 42 clusters.', ['ev-rollout']],
    ['a percentage held under a Pct key', 'SERVFAIL reached 12.5 percent.', ['ev-errors']],
    ['a v-prefixed version', 'The rollout brought v1.11.3.', ['ev-rollout']],
  ])('accepts %s', (_case, text, evidenceIds) => {
    const answer = withAnswer((a) => { a.claims.push({ text, evidenceIds }); });

    expect(checkGrounding(answer, LEDGER, FACTS).ok).toBe(true);
  });

  it.each([
    ['text that is not JSON', 'The root cause is CoreDNS.', /^answer is not valid JSON/],
    ['a schema violation', JSON.stringify({ summary: 'x' }), /^schema: rootCause/],
    ['an extra field such as actions', withAnswer((a) => Object.assign(a, { actions: ['drain_node'] })), /^schema: \(root\): Unrecognized key/],
    ['an invented evidence id', withAnswer((a) => { a.claims[0].evidenceIds = ['ev-invented']; }), /^claims\[0\]: cites evidence id "ev-invented" that is not in the ledger$/],
    ['a claim without evidence', withAnswer((a) => { a.claims[1].evidenceIds = []; }), /^claims\[1\]: cites no evidence$/],
    ['a root cause without evidence', withAnswer((a) => { a.rootCause.evidenceIds = []; }), /^rootCause: cites no evidence$/],
    ['a number in no evidence', withAnswer((a) => { a.claims[1].text = 'SERVFAIL rose to 37% of queries.'; }), /^claims\[1\]: states "37%"/],
    ['a number only in evidence it does not cite', withAnswer((a) => { a.claims[1] = { text: 'SERVFAIL ratio 12.5%.', evidenceIds: ['ev-nodes'] }; }), /^claims\[1\]: states "12.5%"/],
    ['the same value with another unit', withAnswer((a) => { a.claims[1].text = 'SERVFAIL for 5h.'; }), /^claims\[1\]: states "5h"/],
    ['850 s where the evidence has 850 ms', withAnswer((a) => { a.claims[1].text = 'p99 latency reached 850 s.'; }), /^claims\[1\]: states "850 s"/],
    ['850 seconds where the evidence has 850 ms', withAnswer((a) => { a.claims[1].text = 'p99 latency reached 850 seconds.'; }), /^claims\[1\]: states "850 seconds"/],
    ['a percentage matched only by a latency in the data', withAnswer((a) => { a.claims[1].text = 'SERVFAIL ratio rose to 850%.'; }), /^claims\[1\]: states "850%"/],
    ['hours where the evidence counts clusters', withAnswer((a) => { a.claims[0].text = 'The rollout took 42 hours.'; }), /^claims\[0\]: states "42 hours"/],
    ['an hour of the evidence time as a duration', withAnswer((a) => { a.claims[1].text = 'The dip lasted 14 hours.'; }), /^claims\[1\]: states "14 hours"/],
    ['a bare minute of the evidence time', withAnswer((a) => { a.claims[1].text = 'Errors hit 5 of the resolvers.'; a.claims[1].evidenceIds = ['ev-nodes']; }), /^claims\[1\]: states "5"/],
    ['a nearby value (13% vs 12.5%)', withAnswer((a) => { a.claims[1].text = 'SERVFAIL ratio rose to 13%.'; }), /^claims\[1\]: states "13%"/],
    ['a version in no evidence', withAnswer((a) => { a.nextSteps = ['Roll back to 1.10.9.']; }), /^nextSteps\[0\]: states "1.10.9"/],
    ['a number in the summary in no evidence', withAnswer((a) => { a.summary = 'It lasted 90m.'; }), /^summary: states "90m"/],
    ['an approval command', withAnswer((a) => { a.nextSteps = ['approve 1a2b3c4d']; }), /^nextSteps\[0\]: contains an approval command/],
  ])('rejects %s', (_case, answer, reason) => {
    const result = checkGrounding(answer, LEDGER, FACTS);

    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.reasons).toEqual(expect.arrayContaining([expect.stringMatching(reason)]));
  });
});
