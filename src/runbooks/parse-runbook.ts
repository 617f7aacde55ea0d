import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { RunbookSection } from './runbook-schema.js';

/** A runbook split into its parts, before validation; lint works on this so it can report lines. */
export interface RawRunbook {
  file: string;
  /** The parsed front matter, or undefined when it is missing or not valid YAML. */
  frontMatter: unknown;
  /** Why the front matter could not be read, with its 1-based line. */
  frontMatterError?: { line: number; message: string };
  sections: RunbookSection[];
  /** 1-based line in the file of a front-matter path (e.g. ['symptoms', 2, 'signal']); 1 when unknown. */
  lineOf(path: (string | number)[]): number;
}

const FENCE = /^\s*(`{3,}|~{3,})(.*)$/;

/**
 * The fence open after this line: as in CommonMark, a fence closes only on a bare line of its own
 * character at least as long (a ``` line inside a ~~~ or ```` block is content).
 */
function fenceAfter(open: string | undefined, text: string): string | undefined {
  const match = FENCE.exec(text);
  if (!match) return open;
  const [, marker, rest] = match;
  if (open === undefined) return marker[0] === '`' && rest.includes('`') ? undefined : marker;
  return marker[0] === open[0] && marker.length >= open.length && rest.trim() === '' ? undefined : open;
}

/** Splits markdown into `## ` sections, ignoring headings inside code fences. */
export function splitSections(lines: string[], firstLine: number): RunbookSection[] {
  const sections: RunbookSection[] = [];
  let fence: string | undefined;
  lines.forEach((text, i) => {
    fence = fenceAfter(fence, text);
    const heading = fence === undefined && /^##\s+(.+?)\s*$/.exec(text);
    if (heading) sections.push({ name: heading[1], line: firstLine + i, lines: [] });
    else if (sections.length > 0) sections[sections.length - 1].lines.push(text);
  });
  return sections;
}

/** Offset of a map entry's key (so `allowed_operations:` points at its own line) or a list item. */
function startOf(doc: Document, path: (string | number)[]): number | undefined {
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  const key = path[path.length - 1];
  const node = isMap(parent)
    ? parent.items.find((pair) => isScalar(pair.key) && pair.key.value === key)?.key
    : isSeq(parent) ? parent.items[key as number] : undefined;
  return isNode(node) ? node.range?.[0] : undefined;
}

function findClosingFence(lines: string[]): number {
  if (lines[0]?.trim() !== '---') return -1;
  return lines.findIndex((line, i) => i > 0 && line.trim() === '---');
}

/** Parses runbook markdown: YAML front matter between `---` lines, then `## ` sections. */
export function parseRunbook(text: string, file: string): RawRunbook {
  const lines = text.split(/\r?\n/);
  const close = findClosingFence(lines);
  if (close < 0) {
    const message = lines[0]?.trim() === '---' ? 'front matter is not closed: end it with a --- line' : 'no front matter: start the file with a --- block';
    return { file, frontMatter: undefined, sections: splitSections(lines, 1), lineOf: () => 1, frontMatterError: { line: 1, message } };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(lines.slice(1, close).join('\n'), { lineCounter });
  const sections = splitSections(lines.slice(close + 1), close + 2);
  // YAML line 1 is file line 2 (after the opening ---).
  const lineOf = (path: (string | number)[]): number => {
    for (let depth = path.length; depth > 0; depth -= 1) {
      const start = startOf(doc, path.slice(0, depth));
      if (start !== undefined) return lineCounter.linePos(start).line + 1;
    }
    return 1;
  };
  if (doc.errors.length > 0) {
    const error = doc.errors[0];
    // the parser counts lines from the YAML's first line; the finding and its message give file lines
    const message = error.message.split('\n')[0].replace(/ at line (\d+), column (\d+):?$/, (_, line: string, column: string) => ` at line ${Number(line) + 1}, column ${column}`);
    return { file, frontMatter: undefined, sections, lineOf, frontMatterError: { line: (error.linePos?.[0].line ?? 0) + 1, message: `front matter is not valid YAML: ${message}` } };
  }
  try {
    return { file, frontMatter: doc.toJS(), sections, lineOf };
  } catch (err) {
    // toJS refuses too many alias expansions: a finding for this file, not a crash naming no file
    return { file, frontMatter: undefined, sections, lineOf, frontMatterError: { line: 2, message: `front matter cannot be read: ${(err as Error).message}` } };
  }
}
