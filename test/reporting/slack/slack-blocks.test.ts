import { describe, expect, it } from 'vitest';
import { context, divider, escapeSlackText as escapeData, fields, fitMessage, header, link, section, type SlackBlock } from '../../../src/reporting/slack/index.js';
import { validateBlocks } from '../../fakes/slack-fake.js';
import { hostileText, seededRandom, textsOf, unsafeParts } from './fuzz-text.js';

const DOC = 'https://docs.example.com/document/d/abc';
const DOC_LINK = `<${DOC}|open the document>`;

describe('block builders', () => {
  it.each([
    { text: 'Daily digest', expected: 'Daily digest' },
    { text: '  multi\nline\ttitle  ', expected: 'multi line title' },
    { text: '', expected: '—' },
    { text: 'h'.repeat(200), expected: `${'h'.repeat(149)}…` },
    { text: `${'h'.repeat(148)}😀😀`, expected: `${'h'.repeat(148)}…` },
    { text: '<!channel> @here <http://evil|x>', expected: '\uFF1C!channel\uFF1E @\u2060here \uFF1Chttp://evil|x\uFF1E' },
  ])('header($text) is plain text of at most 150 characters', ({ text, expected }) => {
    expect(header(text)).toEqual({ type: 'header', text: { type: 'plain_text', text: expected, emoji: true } });
  });

  it('section cuts at 3,000 characters with a link to the document', () => {
    const block = section('x'.repeat(5000), { docUrl: DOC });

    expect(block.text?.text.startsWith('x'.repeat(2000))).toBe(true);
    expect(block.text?.text.endsWith(`… (truncated — full text in the document: ${DOC_LINK})`)).toBe(true);
    expect(block.text!.text.length).toBeLessThanOrEqual(3000);
  });

  it('fields keep at most 10 (the last one counting the rest) and escape labels', () => {
    const pairs = Array.from({ length: 14 }, (_, i) => [`<!here> k${i}`, `v${i}`] as const);

    const block = fields(pairs);

    expect(block.fields).toHaveLength(10);
    expect(block.fields?.[0].text).toBe('*&lt;!here&gt; k0*\nv0');
    expect(block.fields?.[9].text).toBe('_… and 5 more_');
  });

  it('context folds elements beyond 10 into the last one; divider is a divider', () => {
    const block = context(...Array.from({ length: 12 }, (_, i) => `e${i}`));

    expect(block.elements.map((e) => e.text)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8', 'e9 · e10 · e11']);
    expect(divider()).toEqual({ type: 'divider' });
  });
});

describe('fitMessage', () => {
  it('keeps 50 blocks, the last one linking to the document', () => {
    const blocks: SlackBlock[] = Array.from({ length: 120 }, (_, i) => section(`group ${i}`));

    const fitted = fitMessage(blocks, { docUrl: DOC });

    expect(fitted.blocks).toHaveLength(50);
    expect(fitted.blocks[48]).toEqual(section('group 48'));
    expect(fitted.blocks[49]).toEqual(section(`_… 71 more blocks not shown (truncated — full text in the document: ${DOC_LINK})_`));
    expect(fitted).toMatchObject({ text: 'group 0', truncated: true });
  });

  it('leaves a message within limits as it is', () => {
    const blocks: SlackBlock[] = [header('Digest'), section('all good'), divider(), context('fleetops')];

    const fitted = fitMessage(blocks, { docUrl: DOC, text: 'Digest for 2026-11-29' });

    expect(fitted).toEqual({ blocks, text: 'Digest for 2026-11-29', truncated: false });
  });

  it('repairs hand-built blocks that break the limits', () => {
    const blocks = [
      { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(400) } },
      { type: 'section', text: { type: 'mrkdwn', text: 'y'.repeat(9000) }, fields: Array.from({ length: 12 }, () => ({ type: 'mrkdwn' as const, text: 'f'.repeat(2500) })) },
      { type: 'section', text: { type: 'mrkdwn', text: '' } },
      { type: 'context', elements: [] },
    ] as SlackBlock[];

    const fitted = fitMessage(blocks, { docUrl: DOC, maxBlocks: 20, text: 't'.repeat(50_000) });

    expect(validateBlocks(fitted.blocks)).toEqual([]);
    expect(fitted.text.length).toBeLessThanOrEqual(40_000);
    expect(fitted.truncated).toBe(true);
  });

  it.each([1, 2, 3, 4, 5])('fuzz seed %i: any hostile input gives valid blocks with no mention or foreign link', (seed) => {
    const rand = seededRandom(seed);
    const blocks: SlackBlock[] = Array.from({ length: 80 }, (_, i) => {
      const data = hostileText(rand, Math.floor(rand() * 10_000));
      const kind = i % 4;
      if (kind === 0) return header(data);
      if (kind === 1) return section(`*Group ${i}*\n${escapeData(data)}`, { docUrl: DOC });
      if (kind === 2) return fields([[data.slice(0, 50), escapeData(data)], ['link', linkTo(data)]], { docUrl: DOC });
      return context(escapeData(data), escapeData(data.slice(0, 100)));
    });

    const fitted = fitMessage(blocks, { docUrl: DOC, text: escapeData(hostileText(rand, 45_000)) });

    expect(validateBlocks(fitted.blocks)).toEqual([]);
    expect(textsOf(fitted.blocks).flatMap((t) => unsafeParts(t, [DOC, 'https://evidence.example/q']))).toEqual([]);
    expect(unsafeParts(fitted.text, [])).toEqual([]);
  });
});

function linkTo(label: string): string {
  return link('https://evidence.example/q', label);
}
