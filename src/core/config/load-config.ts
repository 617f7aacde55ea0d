import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isSeq, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { buildCatalog } from '../../signals/catalog.js';
import { ConfigError } from '../errors.js';
import { FleetopsConfig } from './schema.js';

type Json = Record<string, unknown>;

export interface LoadConfigOptions {
  /** YAML file; absent → defaults only. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Highest-precedence overrides from CLI flags, as dotted paths (`outDir`, `scan.shards`). */
  overrides?: Record<string, unknown>;
}

const ENV_PREFIX = 'FLEETOPS__';

/** defaults → file → environment (`FLEETOPS__SECTION__KEY=value`) → flags. Throws ConfigError. */
export function loadConfig(opts: LoadConfigOptions = {}): FleetopsConfig {
  const { data, locate } = opts.file ? readYaml(opts.file) : { data: {}, locate: () => undefined };
  applyEnv(data, opts.env ?? {});
  for (const [path, value] of Object.entries(opts.overrides ?? {})) setPath(data, path.split('.'), value);
  const parsed = FleetopsConfig.safeParse(data);
  if (!parsed.success) throw new ConfigError(formatIssues(parsed.error.issues, data, opts.file, locate));
  checkSignals(parsed.data.signals, opts.file, locate);
  return parsed.data;
}

/**
 * The user's signals are checked with the config (fields and PromQL template), so `config validate`
 * and every job refuse a bad one before any work, naming the file, line and field.
 */
function checkSignals(signals: readonly unknown[], file: string | undefined, locate: (p: PropertyKey[]) => number | undefined): void {
  if (signals.length === 0) return;
  try {
    buildCatalog(signals);
  } catch (err) {
    if (!(err instanceof ConfigError) || !err.path) throw err;
    const where = file ? `${file}:${locate([...err.path]) ?? 1}: ` : '';
    throw new ConfigError(`config error: ${where}${err.path.join('.')}: ${err.message}`, { cause: err, path: err.path });
  }
}

function readYaml(file: string): { data: Json; locate: (path: PropertyKey[]) => number | undefined } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`config file ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = e.linePos?.[0]?.line ?? lineCounter.linePos(e.pos[0]).line;
    throw new ConfigError(`${file}:${line}: invalid YAML: ${e.message.split('\n')[0]}`);
  }
  const data = doc.toJS() ?? {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new ConfigError(`${file}:1: config must be a YAML mapping, found ${describe(data)}`);
  const locate = (path: PropertyKey[]): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as unknown[], true) as YamlNode | undefined;
      const keyLine = n > 0 ? keyLineOf(doc.getIn(path.slice(0, n - 1) as unknown[], true), path[n - 1], lineCounter) : undefined;
      if (keyLine) return keyLine;
      if (node?.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return { data: data as Json, locate };
}

function keyLineOf(parent: unknown, key: PropertyKey, lc: LineCounter): number | undefined {
  if (!isMap(parent) && !isSeq(parent)) return undefined;
  for (const item of parent.items as { key?: { value?: unknown; range?: number[] }; range?: number[] }[]) {
    if (isMap(parent) && item.key?.value === key && item.key.range) return lc.linePos(item.key.range[0]).line;
  }
  return undefined;
}

function applyEnv(data: Json, env: NodeJS.ProcessEnv): void {
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || raw === undefined) continue;
    const path = resolveEnvPath(name.slice(ENV_PREFIX.length).split('__'));
    setPath(data, path, coerce(raw));
  }
}

/** Map upper-case env segments onto the schema's camelCase keys. */
function resolveEnvPath(segments: string[]): string[] {
  let shape: Record<string, z.ZodType> | undefined = FleetopsConfig.shape as Record<string, z.ZodType>;
  return segments.map((seg) => {
    const key = Object.keys(shape ?? {}).find((k) => k.toLowerCase() === seg.toLowerCase().replace(/_/g, ''))
      ?? seg.toLowerCase();
    shape = innerShape(shape?.[key]);
    return key;
  });
}

function innerShape(t: z.ZodType | undefined): Record<string, z.ZodType> | undefined {
  let cur = t as unknown as { shape?: Record<string, z.ZodType>; def?: { innerType?: unknown } } | undefined;
  for (let i = 0; i < 5 && cur && !cur.shape; i++) cur = cur.def?.innerType as typeof cur;
  return cur?.shape;
}

function coerce(raw: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (/^[[{]/.test(raw)) {
    try { return JSON.parse(raw); } catch { return raw; }
  }
  return raw;
}

export function setPath(data: Json, path: string[], value: unknown): void {
  let cur = data;
  for (const key of path.slice(0, -1)) {
    if (typeof cur[key] !== 'object' || cur[key] === null) cur[key] = {};
    cur = cur[key] as Json;
  }
  cur[path[path.length - 1]] = value;
}

function getPath(data: unknown, path: PropertyKey[]): unknown {
  let cur = data;
  for (const key of path) cur = (cur as Record<PropertyKey, unknown> | undefined)?.[key];
  return cur;
}

function formatIssues(issues: z.core.$ZodIssue[], data: Json, file: string | undefined, locate: (p: PropertyKey[]) => number | undefined): string {
  return issues.map((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
    return keys.map((k) => {
      const path = k === undefined ? issue.path : [...issue.path, k];
      const where = file ? `${file}:${locate(path) ?? 1}: ` : '';
      const field = path.length > 0 ? path.join('.') : '(root)';
      const what = k !== undefined ? 'unknown key (check spelling; see fleetops.example.yaml)' : explain(issue, getPath(data, path));
      return `config error: ${where}${field}: ${what}`;
    }).join('\n');
  }).join('\n');
}

function explain(issue: z.core.$ZodIssue, found: unknown): string {
  const expected = issue.code === 'invalid_type' ? issue.expected
    : issue.code === 'invalid_value' ? `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
      : issue.message.replace(/^Invalid input: /, '');
  return `expected ${expected}, found ${describe(found)}`;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}
