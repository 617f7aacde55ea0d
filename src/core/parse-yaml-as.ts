import { isMap, LineCounter, parseDocument, visit, type Alias, type Document } from 'yaml';
import type { z } from 'zod';
import { describeIssues } from './config/format-issues.js';
import { ConfigError } from './errors.js';

/**
 * YAML text validated by `schema`; a ConfigError names `path`, the line and each bad field, one a line
 * (`registry.yaml:3: clusters.0.environment: expected …`); invalid YAML is named at its line too. The
 * schema's refines speak in sentences (`min must not exceed max`), as the catalog's and registry's do.
 */
export function parseYamlAs<S extends z.ZodType>(schema: S, text: string, path: string): z.output<S> {
  const { data: raw, lineOf } = parseYamlLocated(text, path);
  const result = schema.safeParse(raw);
  if (!result.success) {
    const problems = describeIssues(result.error.issues, schema, raw, { ownMessages: 'sentence' });
    throw new ConfigError(problems.map((p) => `${path}:${lineOf(p.path)}: ${p.field}: ${p.message}`).join('\n'), { cause: result.error });
  }
  return result.data;
}

/**
 * YAML text's value and the line of any path in it (lineOf below), for a caller that checks the value
 * itself; invalid YAML is a ConfigError naming `path` and its line.
 */
export function parseYamlLocated(text: string, path: string): { data: unknown; lineOf: (at: readonly PropertyKey[]) => number } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new ConfigError(`${path}:${lineCounter.linePos(e.pos[0]).line}: invalid YAML: ${e.message.split('\n')[0]}`, { cause: e });
  }
  return { data: toJS(doc, lineCounter, path), lineOf: (at) => lineOf(doc, lineCounter, at) };
}

/** The document's value; an alias with no anchor before it, or too many aliases, is refused at the (first) alias's line. */
function toJS(doc: Document, lc: LineCounter, path: string): unknown {
  try {
    return doc.toJS();
  } catch (err) {
    const aliases: Alias[] = [];
    visit(doc, { Alias: (_key, node) => { aliases.push(node); } });
    const at = aliases.find((a) => a.resolve(doc) === undefined) ?? aliases[0];
    throw new ConfigError(`${path}:${at?.range ? lc.linePos(at.range[0]).line : 1}: invalid YAML: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * The line of the key at `at` (of the item, in a list), else of its nearest ancestor's: a missing field
 * is named on its mapping's line, a nested mapping on its key's line rather than its first field's.
 */
function lineOf(doc: Document, lc: LineCounter, at: readonly PropertyKey[]): number {
  for (let n = at.length; n > 0; n--) {
    const parent = doc.getIn(at.slice(0, n - 1), true);
    const pair = isMap(parent) ? parent.items.find((item) => (item.key as { value?: unknown } | null)?.value === at[n - 1]) : undefined;
    const node = (pair?.key ?? doc.getIn(at.slice(0, n), true)) as { range?: number[] } | undefined;
    if (node?.range) return lc.linePos(node.range[0]).line;
  }
  const root = doc.contents as { range?: number[] } | null;
  return root?.range ? lc.linePos(root.range[0]).line : 1;
}
