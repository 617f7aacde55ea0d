import { describe, expect, it } from 'vitest';
import { checkGrounding } from '../../../src/rca/narrative/grounding.js';
import type { Narrative } from '../../../src/rca/narrative/llm-narrative.js';
import { evidence, FACTS, goodAnswer, LEDGER } from './fixtures.js';

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
    ['a schema violation', JSON.stringify({ summary: 'x' }), /^schema: rootCause: expected a mapping, found nothing$/],
    ['an extra field such as actions', withAnswer((a) => Object.assign(a, { actions: ['drain_node'] })), /^schema: actions: unknown key \(check spelling\)$/],
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
    ['an approval command with a full-length id', withAnswer((a) => { a.summary = `Reply approve ${'ab12'.repeat(16)} in the thread.`; }), /^summary: contains an approval command/],
    ['a number with a thousands separator in no evidence', withAnswer((a) => { a.claims[1].text = 'SERVFAIL reached 12,850 queries.'; }), /^claims\[1\]: states "12,850"/],
    ['a number in words in no evidence', withAnswer((a) => { a.claims[0].text = 'CoreDNS was upgraded on ninety clusters.'; }), /^claims\[0\]: states "ninety"/],
    ['digits other than 0-9', withAnswer((a) => { a.claims[1].text = 'SERVFAIL ratio rose to ９９%.'; }), /^claims\[1\]: writes digits other than 0-9/],
  ])('rejects %s', (_case, answer, reason) => {
    const result = checkGrounding(answer, LEDGER, FACTS);

    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.reasons).toEqual(expect.arrayContaining([expect.stringMatching(reason)]));
  });

  describe('with the facts of a digest group (its day, its clusters) and a ledger naming clusters, pods and nodes', () => {
    const facts = [...FACTS, '4 clusters affected: c-eu-west-1-0000, c-eu-west-1-0001, c-eu-west-1-0002, c-eu-west-1-0003', 'from 2026-11-29 14:05 to 2026-11-29 15:05 UTC'];
    const dns = evidence('ev-dns', {
      source: 'metrics', query: 'dns_timeouts for c-eu-west-1-0001 step 300s',
      excerpt: 'dns_timeouts on pod coredns-7d9f8-abcde on node ip-10-0-1-23.eu-west-1.compute.internal (c-eu-west-1-0001): 0.1 before → 12.5 during',
      data: { cluster: 'c-eu-west-1-0001', pod: 'coredns-7d9f8-abcde', before: 0.1, during: 12.5, series: [0, 1, 2, 3, 5, 7, 11, 29] },
    });
    const check = (text: string, evidenceIds = ['ev-dns']) => checkGrounding(withAnswer((a) => { a.claims.push({ text, evidenceIds }); }), [...LEDGER, dns], facts);

    it.each([
      ['a count stated only by the day and month of the facts\' date', 'Node pressure evicted 29 pods on 11 nodes.', ['ev-nodes'], /^claims\[2\]: states "29 pods"/],
      ['a date in no evidence', 'DNS timeouts began on 2026-11-28.', ['ev-dns'], /^claims\[2\]: states "2026-11-28"/],
      ['a cluster outside the group whose digits the data holds', 'DNS timeouts rose to 12.5 on c-eu-west-1-0029.', ['ev-dns'], /^claims\[2\]: names "c-eu-west-1-0029"/],
      ['a pod the cited evidence does not name', 'DNS timeouts rose to 12.5 on pod coredns-7d9f8-zzzzz.', ['ev-dns'], /^claims\[2\]: names "coredns-7d9f8-zzzzz"/],
    ])('rejects %s', (_case, text, evidenceIds, reason) => {
      const result = check(text, evidenceIds);

      expect(result.ok).toBe(false);
      expect(result.ok ? [] : result.reasons).toEqual(expect.arrayContaining([expect.stringMatching(reason)]));
    });

    it.each([
      ['the cluster, pod and node its evidence names', 'DNS timeouts rose to 12.5 on C-EU-WEST-1-0001 (pod coredns-7d9f8-abcde, node ip-10-0-1-23 in eu-west-1).'],
      ['a cluster of the group named in the facts', 'c-eu-west-1-0003 is one of the affected clusters.'],
      ['an ISO timestamp of the evidence window', 'DNS timeouts rose from 2026-11-29T14:05:00.000Z.'],
      ['the facts\' date', 'DNS timeouts rose on 2026-11-29 at 14:05.'],
      ['a component with its version', 'coredns-1.11.3 was running.', ['ev-rollout']],
      ['a number in words the evidence holds', 'CoreDNS was upgraded on forty-two clusters.', ['ev-rollout']],
    ])('accepts %s', (_case, text, evidenceIds = ['ev-dns']) => {
      expect(check(text, evidenceIds).ok).toBe(true);
    });
  });
});
