import { describe, expect, it } from 'vitest';
import { buildDocRequests, MONOSPACE_FONT } from '../../../src/adapters/docs/google/build-doc-requests.js';
import type { DocBlock } from '../../../src/reporting/doc-model.js';

const build = (...blocks: DocBlock[]) => buildDocRequests({ title: 'T', blocks });
const inserts = (reqs: ReturnType<typeof build>) => reqs.flatMap((r) => (r.insertText ? [[r.insertText.location?.index, r.insertText.text]] : []));
type Req = ReturnType<typeof build>[number];
const ofKind = <K extends keyof Req>(reqs: Req[], kind: K) => reqs.flatMap((r) => (r[kind] ? [r[kind] as NonNullable<Req[K]>] : []));

describe('buildDocRequests', () => {
  it('writes the title as the first heading at index 1', () => {
    const reqs = build();

    expect(reqs[0]).toEqual({ insertText: { location: { index: 1 }, text: 'T\n' } });
    expect(ofKind(reqs, 'updateParagraphStyle').at(-1)).toEqual({ range: { startIndex: 1, endIndex: 3 }, paragraphStyle: { namedStyleType: 'HEADING_1' }, fields: 'namedStyleType' });
  });

  it.each([[1, 'HEADING_1'], [2, 'HEADING_2'], [3, 'HEADING_3']] as const)('maps heading level %i to %s', (level, style) => {
    const reqs = build({ kind: 'heading', level, text: 'Dips' });

    expect(inserts(reqs)).toEqual([[1, 'T\n'], [3, 'Dips\n']]);
    expect(ofKind(reqs, 'updateParagraphStyle').at(-1)).toMatchObject({ range: { startIndex: 3, endIndex: 8 }, paragraphStyle: { namedStyleType: style } });
  });

  it('styles bold, code and link spans over their own characters', () => {
    const reqs = build({ kind: 'paragraph', spans: ['a ', { text: 'b', bold: true }, { text: 'kubectl', code: true }, { text: 'rb', href: 'https://x/rb', bold: true }] });

    expect(inserts(reqs)).toEqual([[1, 'T\n'], [3, 'a bkubectlrb\n']]);
    expect(ofKind(reqs, 'updateTextStyle').slice(1)).toEqual([
      { range: { startIndex: 5, endIndex: 6 }, textStyle: { bold: true }, fields: 'bold' },
      { range: { startIndex: 6, endIndex: 13 }, textStyle: { weightedFontFamily: { fontFamily: MONOSPACE_FONT } }, fields: 'weightedFontFamily' },
      { range: { startIndex: 13, endIndex: 15 }, textStyle: { bold: true, link: { url: 'https://x/rb' } }, fields: 'bold,link' },
    ]);
  });

  it('makes one bullet list over all item paragraphs', () => {
    const reqs = build({ kind: 'bullets', items: [['one'], ['two']] });

    expect(inserts(reqs)).toEqual([[1, 'T\n'], [3, 'one\n'], [7, 'two\n']]);
    expect(ofKind(reqs, 'createParagraphBullets')).toEqual([{ range: { startIndex: 3, endIndex: 11 }, bulletPreset: 'BULLET_DISC_CIRCLE_SQUARE' }]);
  });

  it('fills table cells at start + 3 + row * (1 + 2 * columns) + 2 * column, shifted by earlier cell text', () => {
    const reqs = build({ kind: 'table', header: ['A', 'B'], rows: [[['x'], ['yz']]] }, { kind: 'paragraph', spans: ['after'] });

    expect(ofKind(reqs, 'insertTable')).toEqual([{ rows: 2, columns: 2, location: { index: 3 } }]);
    expect(inserts(reqs)).toEqual([[1, 'T\n'], [7, 'A'], [10, 'B'], [14, 'x'], [17, 'yz'], [20, 'after\n']]);
    expect(ofKind(reqs, 'updateTextStyle').filter((s) => s.fields === 'bold').map((s) => s.range)).toEqual([{ startIndex: 7, endIndex: 8 }, { startIndex: 10, endIndex: 11 }]);
  });

  it.each<[string, DocBlock, { rows: number; columns: number }]>([
    ['a short row', { kind: 'table', header: ['A', 'B'], rows: [[['x']]] }, { rows: 2, columns: 2 }],
    ['a long row', { kind: 'table', header: ['A'], rows: [[['x'], ['y']]] }, { rows: 2, columns: 2 }],
  ])('sizes a table with %s to its widest row', (_name, block, size) => {
    const reqs = build(block);

    expect(ofKind(reqs, 'insertTable')[0]).toMatchObject(size);
  });

  it('keeps code lines and sets the whole block in monospace; replaces an image by a placeholder line', () => {
    const reqs = build({ kind: 'code', text: 'a\nb' }, { kind: 'image', alt: 'chart', svg: '<svg/>' });

    expect(inserts(reqs)).toEqual([[1, 'T\n'], [3, 'a\nb\n'], [7, '[image: chart]\n']]);
    expect(ofKind(reqs, 'updateTextStyle').at(-1)).toMatchObject({ range: { startIndex: 3, endIndex: 6 }, fields: 'weightedFontFamily' });
  });

  it('resets paragraph style, bullets and text style of the whole body between inserts and styles', () => {
    const reqs = build({ kind: 'paragraph', spans: ['x'] });

    const kinds = reqs.map((r) => Object.keys(r)[0]);
    expect(kinds).toEqual(['insertText', 'insertText', 'updateParagraphStyle', 'deleteParagraphBullets', 'updateTextStyle', 'updateParagraphStyle']);
    expect(reqs[2].updateParagraphStyle?.range).toEqual({ startIndex: 1, endIndex: 6 });
    expect(reqs[4].updateTextStyle?.range).toEqual({ startIndex: 1, endIndex: 5 });
  });

  it.each([
    ['ANSI colour codes (U+001B)', '\u001b[31mERR\u001b[0m x', 'ERR x'],
    ['a lone ESC', 'a\u001bb', 'ab'],
    ['a powerline glyph (U+E0B0, private use)', 'a \uE0B0 b', 'a  b'],
    ['NUL, backspace and form feed', 'a\u0000\u0008\u000Cb', 'ab'],
  ])('drops %s, which Docs strips, before computing indices', (_name, text, kept) => {
    const reqs = build({ kind: 'paragraph', spans: [{ text, bold: true }] }, { kind: 'table', header: ['A'], rows: [[[text]]] }, { kind: 'paragraph', spans: ['after'] });

    const table = 3 + kept.length + 1;
    expect(inserts(reqs)).toEqual([[1, 'T\n'], [3, `${kept}\n`], [table + 4, 'A'], [table + 8, kept], [table + 8 + kept.length + 1, 'after\n']]);
    expect(ofKind(reqs, 'updateTextStyle')[1]).toMatchObject({ range: { startIndex: 3, endIndex: 3 + kept.length }, fields: 'bold' });
  });

  it('keeps newlines and tabs in code but drops the control characters Docs strips', () => {
    const reqs = build({ kind: 'code', text: '\u001b[32mok\u001b[0m\r\n\tdone' });

    expect(inserts(reqs)[1]).toEqual([3, 'ok\n\tdone\n']);
  });

  it('turns newlines inside inline text into spaces so paragraphs and cells keep their shape', () => {
    const reqs = build({ kind: 'paragraph', spans: ['a\nb'] });

    expect(inserts(reqs)[1]).toEqual([3, 'a b\n']);
  });
});
