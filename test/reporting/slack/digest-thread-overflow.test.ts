import { describe, expect, it } from 'vitest';
import type { DigestGroupView } from '../../../src/digest/digest-model.js';
import { renderGroupInDocumentReply, renderMoreGroupsReply } from '../../../src/reporting/slack/digest-thread-overflow.js';
import { validateBlocks } from '../../fakes/slack-fake.js';
import { hostileText, seededRandom, textsOf, unsafeParts } from './fuzz-text.js';

const DOC = 'https://docs.example/digest_2026-11-29.html';

function group(i: number, title = `comp-${i} availability dips`, severity: DigestGroupView['severity'] = 'warning'): DigestGroupView {
  return {
    id: `g-${i}`, title, severity, startMs: 0, endMs: 1, clusters: [`c-${i}`, 'c-shared'], components: [], signals: [], findingCount: 2, budgetBurned: 0, facts: [],
    sharedAttributes: [], verdict: 'inconclusive', engine: 'template', evidence: [], ledgerSize: 0, missing: [],
    narrative: { summary: '', rootCause: { text: '', statement: '', evidenceIds: [] }, claims: [], rejectedHypotheses: [] } as unknown as DigestGroupView['narrative'],
  };
}

describe('digest thread replies past digest.maxThreadReplies', () => {
  it('counts the groups without a reply, lists the first ten with links to their sections, and links the document', () => {
    const more = [group(1, 'coredns down', 'critical'), ...Array.from({ length: 13 }, (_, i) => group(i + 2))];

    const msg = renderMoreGroupsReply({ maxThreadReplies: 25, replied: 25, more }, DOC);

    const text = JSON.stringify(msg.blocks);
    expect(text).toContain('*14 more incident groups* (1 critical, 13 warning, over 15 clusters)');
    expect(text).toContain(`<${DOC}#group-g-1|coredns down>`);
    expect(text).toContain(`<${DOC}|The document>`);
    expect(text).toContain('… and 4 more');
    expect(text).not.toContain('comp-14 availability');
    expect(text).toContain('digest.maxThreadReplies');
    expect(validateBlocks(msg.blocks)).toEqual([]);
  });

  it('says every group has its reply when none is past the cap, and points to the document without a link when there is none', () => {
    const msg = renderMoreGroupsReply({ maxThreadReplies: 25, replied: 7, more: [] }, '');

    expect(JSON.stringify(msg.blocks)).toContain('Every incident group of this digest has its own reply in this thread (7). The document has their full RCAs.');
  });

  it('turns a moved group\'s reply into a pointer to its section, keeping its proposal id', () => {
    const g = { ...group(3), proposal: { id: 'abcd1234ffff', id8: 'abcd1234', operation: 'rollout-restart', target: 'Deployment x', risk: 'low' as const, state: 'proposed', expiresAtMs: 0 } };

    const msg = renderGroupInDocumentReply(g, DOC, 25);

    const text = JSON.stringify(msg.blocks);
    expect(text).toContain('In the document only');
    expect(text).toContain('no longer among the first 25');
    expect(text).toContain(`<${DOC}#group-g-3|its current RCA>`);
    expect(text).toContain('`abcd1234` (proposed)');
  });

  it.each([1, 2, 3])('fuzz seed %i: hostile group titles give valid blocks with no mention or foreign link', (seed) => {
    const rand = seededRandom(seed);
    const more = Array.from({ length: 30 }, (_, i) => group(i, hostileText(rand, Math.floor(rand() * 3000))));

    const msgs = [renderMoreGroupsReply({ maxThreadReplies: 25, replied: 25, more }, DOC), ...more.map((g) => renderGroupInDocumentReply(g, DOC, 25))];

    const links = [DOC, ...more.map((g) => `${DOC}#group-${g.id}`)];
    for (const m of msgs) {
      expect(validateBlocks(m.blocks)).toEqual([]);
      expect(textsOf(m.blocks).flatMap((t) => unsafeParts(t, links))).toEqual([]);
      expect(unsafeParts(m.text, [])).toEqual([]);
    }
  });
});
