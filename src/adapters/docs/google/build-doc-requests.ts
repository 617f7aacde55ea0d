import type { docs_v1 } from 'googleapis';
import type { DocBlock, DocModel, Inline, Span } from '../../../reporting/doc-model.js';

type Request = docs_v1.Schema$Request;
type NamedStyle = 'HEADING_1' | 'HEADING_2' | 'HEADING_3' | 'NORMAL_TEXT';

export const MONOSPACE_FONT = 'Roboto Mono';
const BULLET_PRESET = 'BULLET_DISC_CIRCLE_SQUARE';
/** Text-style fields cleared on the whole body, so a rerun leaves no formatting of the old content. */
const RESET_TEXT_FIELDS = 'bold,italic,underline,foregroundColor,link,weightedFontFamily';

/**
 * Inserts go strictly forward from `cursor` (the start of the body's last, empty paragraph), so every
 * range computed earlier stays valid; styles are emitted after all inserts with final indices.
 */
interface Acc {
  cursor: number;
  inserts: Request[];
  styles: Request[];
}

function range(startIndex: number, endIndex: number): docs_v1.Schema$Range {
  return { startIndex, endIndex };
}

/**
 * Docs strips control characters U+0000-U+0008 and U+000C-U+001F and the BMP private use area
 * U+E000-U+F8FF from inserted text (documented on InsertTextRequest). Counting them would shift every
 * later index (a refused batch or text in the wrong cell), so they are removed before positions are computed.
 */
// eslint-disable-next-line no-control-regex -- these are exactly the characters Docs strips
const STRIPPED_BY_DOCS = /[\u0000-\u0008\u000C-\u001F\uE000-\uF8FF]/g;
/** Terminal colour/cursor sequences (ESC [ … letter) go whole: stripping only ESC would leave `[31m`. */
// eslint-disable-next-line no-control-regex -- ESC starts the sequence
const ANSI_SEQUENCE = /\u001b\[[0-9;?]*[A-Za-z]/g;

/** Newlines (and vertical tabs, a line break in Docs) inside inline text would split paragraphs and cells; Docs shows them as spaces here. */
function clean(text: string): string {
  return text.replace(/\r?\n|\r|\v/g, ' ').replace(ANSI_SEQUENCE, '').replace(STRIPPED_BY_DOCS, '');
}

/** Code keeps its line breaks; a CRLF's carriage return is dropped like every other stripped character. */
function cleanKeepingNewlines(text: string): string {
  return text.replace(ANSI_SEQUENCE, '').replace(STRIPPED_BY_DOCS, '');
}

function spanStyle(span: Span, forceBold: boolean): { textStyle: docs_v1.Schema$TextStyle; fields: string[] } {
  const textStyle: docs_v1.Schema$TextStyle = {};
  const fields: string[] = [];
  if (span.bold || forceBold) { textStyle.bold = true; fields.push('bold'); }
  if (span.code) { textStyle.weightedFontFamily = { fontFamily: MONOSPACE_FONT }; fields.push('weightedFontFamily'); }
  if (span.href) { textStyle.link = { url: span.href }; fields.push('link'); }
  return { textStyle, fields };
}

/** Queues the text styles of `spans` placed at `at`; returns their text (inserted by the caller). */
function styleSpans(acc: Acc, at: number, spans: Inline[], forceBold = false, keepNewlines = false): string {
  let text = '';
  for (const inline of spans) {
    const span: Span = typeof inline === 'string' ? { text: inline } : inline;
    const part = keepNewlines ? cleanKeepingNewlines(span.text) : clean(span.text);
    const { textStyle, fields } = spanStyle(span, forceBold);
    if (part.length > 0 && fields.length > 0) {
      const start = at + text.length;
      acc.styles.push({ updateTextStyle: { range: range(start, start + part.length), textStyle, fields: fields.join(',') } });
    }
    text += part;
  }
  return text;
}

function insert(acc: Acc, index: number, text: string): void {
  if (text.length > 0) acc.inserts.push({ insertText: { location: { index }, text } });
}

/** Adds one paragraph (text + its newline) at the cursor; returns its [start, end) range. */
function addParagraph(acc: Acc, spans: Inline[], style: NamedStyle, keepNewlines = false): [number, number] {
  const start = acc.cursor;
  const text = styleSpans(acc, start, spans, false, keepNewlines) + '\n';
  insert(acc, start, text);
  acc.cursor = start + text.length;
  if (style !== 'NORMAL_TEXT') {
    acc.styles.push({ updateParagraphStyle: { range: range(start, acc.cursor), paragraphStyle: { namedStyleType: style }, fields: 'namedStyleType' } });
  }
  return [start, acc.cursor];
}

function addBullets(acc: Acc, items: Inline[][]): void {
  if (items.length === 0) return;
  const first = addParagraph(acc, items[0], 'NORMAL_TEXT');
  let last = first;
  for (const item of items.slice(1)) last = addParagraph(acc, item, 'NORMAL_TEXT');
  acc.styles.push({ createParagraphBullets: { range: range(first[0], last[1]), bulletPreset: BULLET_PRESET } });
}

/**
 * insertTable at i puts a newline at i and the table at i+1. Layout: table start (1), then per row a
 * row start (1), per cell a cell start (1) and the cell's paragraphs (text + "\n"). Cells are filled in
 * document order, tracking the shift each filled cell causes.
 */
function addTable(acc: Acc, header: string[], rows: Inline[][][]): void {
  const columns = Math.max(header.length, ...rows.map((r) => r.length));
  if (columns === 0) return;
  const grid: Inline[][][] = [header.map((h) => [h]), ...rows];
  acc.inserts.push({ insertTable: { rows: grid.length, columns, location: { index: acc.cursor } } });
  let pos = acc.cursor + 2; // past the newline before the table and the table start
  grid.forEach((row, r) => {
    pos += 1; // row start
    for (let c = 0; c < columns; c += 1) {
      pos += 1; // cell start
      const text = styleSpans(acc, pos, row[c] ?? [], r === 0);
      insert(acc, pos, text);
      pos += text.length + 1; // the cell's own newline
    }
  });
  acc.cursor = pos;
}

function addBlock(acc: Acc, block: DocBlock): void {
  switch (block.kind) {
    case 'heading': addParagraph(acc, [block.text], `HEADING_${block.level}`); return;
    case 'paragraph': addParagraph(acc, block.spans, 'NORMAL_TEXT'); return;
    case 'bullets': addBullets(acc, block.items); return;
    case 'table': addTable(acc, block.header, block.rows); return;
    case 'code': addParagraph(acc, [{ text: block.text, code: true }], 'NORMAL_TEXT', true); return;
    // No public URL exists for the chart, so Docs gets a placeholder line (insertInlineImage needs one).
    case 'image': addParagraph(acc, [`[image: ${block.alt}]`], 'NORMAL_TEXT'); return;
  }
}

function resets(cursor: number): Request[] {
  const paragraphs = range(1, cursor + 1); // includes the body's last paragraph
  return [
    { updateParagraphStyle: { range: paragraphs, paragraphStyle: { namedStyleType: 'NORMAL_TEXT' }, fields: 'namedStyleType' } },
    { deleteParagraphBullets: { range: paragraphs } },
    { updateTextStyle: { range: range(1, cursor), textStyle: {}, fields: RESET_TEXT_FIELDS } },
  ];
}

/**
 * Docs batchUpdate requests that write `doc` into a body holding one empty paragraph (a new document,
 * or one whose old content was deleted). The title becomes the first heading. Pure.
 */
export function buildDocRequests(doc: DocModel): Request[] {
  const acc: Acc = { cursor: 1, inserts: [], styles: [] };
  addParagraph(acc, [doc.title], 'HEADING_1');
  for (const block of doc.blocks) addBlock(acc, block);
  return [...acc.inserts, ...resets(acc.cursor), ...acc.styles];
}
