import type { DocBlock, DocModel, Inline } from './doc-model.js';
import { spanText } from './doc-model.js';

/**
 * Google Docs holds at most about 1.02 million characters per document (Google Drive Help, "Files
 * you can store in Google Drive"); a write past it is refused part-way. Long documents are cut to a
 * budget well under it, so they still open and edit comfortably.
 */
export const GOOGLE_DOCS_MAX_CHARS = 1_020_000;

/** Default character budget of a generated document: under half of Google's limit. */
export const DEFAULT_DOC_MAX_CHARS = 400_000;

function inlineChars(spans: readonly Inline[]): number {
  return spans.reduce((n, s) => n + spanText(s).length, 0);
}

/**
 * Characters `block` takes in a Google Doc, as the Docs writer lays it out: each paragraph, item and
 * cell is its text plus a newline; a table adds a newline before it and one position for itself,
 * each row and each cell. An upper bound: Docs drops a few control characters from inserted text.
 */
export function blockChars(block: DocBlock): number {
  switch (block.kind) {
    case 'heading': return block.text.length + 1;
    case 'paragraph': return inlineChars(block.spans) + 1;
    case 'bullets': return block.items.reduce((n, item) => n + inlineChars(item) + 1, 0);
    case 'code': return block.text.length + 1;
    case 'image': return `[image: ${block.alt}]`.length + 1;
    case 'table': {
      const columns = Math.max(block.header.length, ...block.rows.map((r) => r.length));
      if (columns === 0) return 0;
      const header = block.header.reduce((n, h) => n + h.length, 0);
      const cells = block.rows.reduce((n, row) => n + row.reduce((m, cell) => m + inlineChars(cell), 0), 0);
      return 2 + (block.rows.length + 1) * (1 + 2 * columns) + header + cells;
    }
  }
}

export function blocksChars(blocks: readonly DocBlock[]): number {
  return blocks.reduce((n, b) => n + blockChars(b), 0);
}

/** Characters of the whole document: the title (the first heading) and every block. */
export function docChars(doc: DocModel): number {
  return doc.title.length + 1 + blocksChars(doc.blocks);
}

/** The largest k in [lo, hi] that `ok` accepts, `lo` when none above it does (binary search; assumes `ok(lo)`). */
export function largestFitting(lo: number, hi: number, ok: (k: number) => boolean): number {
  let low = lo;
  let high = hi;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (ok(mid)) low = mid;
    else high = mid - 1;
  }
  return low;
}
