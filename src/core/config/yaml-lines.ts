import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';

/**
 * The line (1-based) of the value at a path in a parsed YAML document: its key's line where it has
 * one (a mapping's value starts on the next line), else the value's, else its nearest ancestor's;
 * undefined when not even the root is located.
 */
export function yamlLocator(doc: Document, lineCounter: LineCounter): (path: readonly PropertyKey[]) => number | undefined {
  return (path) => {
    for (let n = path.length; n >= 0; n--) {
      const keyLine = n > 0 ? keyLineOf(doc.getIn(path.slice(0, n - 1), true), path[n - 1], lineCounter) : undefined;
      if (keyLine) return keyLine;
      const node = doc.getIn(path.slice(0, n), true) as { range?: number[] } | undefined;
      if (node?.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
}

/** yamlLocator over YAML text (parse errors leave what could be parsed). */
export function yamlLines(text: string): (path: readonly PropertyKey[]) => number | undefined {
  const lineCounter = new LineCounter();
  return yamlLocator(parseDocument(text, { lineCounter }), lineCounter);
}

function keyLineOf(parent: unknown, key: PropertyKey, lc: LineCounter): number | undefined {
  if (!isMap(parent) && !isSeq(parent)) return undefined;
  for (const item of parent.items as { key?: { value?: unknown; range?: number[] }; range?: number[] }[]) {
    if (isMap(parent) && item.key?.value === key && item.key.range) return lc.linePos(item.key.range[0]).line;
  }
  return undefined;
}
