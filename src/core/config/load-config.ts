import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isSeq, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { configCatalog } from '../../signals/catalog.js';
import { ConfigError } from '../errors.js';
import { unmetRequirements } from './requirements.js';
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
  const { data, where } = sourceOf(opts);
  const parsed = FleetopsConfig.safeParse(data);
  if (!parsed.success) throw new ConfigError(formatIssues(parsed.error.issues, data, where));
  checkConfigRules(parsed.data, data, where);
  return parsed.data;
}

/**
 * The checks across fields that the schema does not make (user signals, evidence sources beside a real
 * fleet), on a config the schema parsed from `data`; for whatever parses a config without loadConfig
 * (manifest validation), so it refuses what the jobs refuse. `where` prefixes each field. Throws ConfigError.
 */
export function checkConfigRules(config: FleetopsConfig, data: Json, where: Where = () => ''): void {
  checkSignals(config, where);
  checkEvidenceSources(config, data, where);
  checkRepeatWindow(config, where);
}

/**
 * The no-repeat guard looks back repeatWindowHours over stored proposals: a window longer than
 * retention keeps closed proposals would miss operations whose rows retention deleted.
 */
function checkRepeatWindow(config: FleetopsConfig, where: Where): void {
  const hours = config.clusterOps.guardrails.repeatWindowHours;
  const keptHours = config.retention.proposalsDays * 24;
  if (hours <= keptHours) return;
  const path = ['clusterOps', 'guardrails', 'repeatWindowHours'];
  throw new ConfigError(`config error: ${where(path)}clusterOps.guardrails.repeatWindowHours: ${hours} h is longer than retention.proposalsDays keeps closed proposals (${config.retention.proposalsDays} days = ${keptHours} h), so the no-repeat guard would miss operations whose proposals were deleted; lower it or raise retention.proposalsDays`, { path });
}

/** The layered raw data, and for any path where its value came from (env var, flag, or file:line). */
function sourceOf(opts: LoadConfigOptions): { data: Json; where: Where } {
  const { data, locate: locateInFile, has: inFile } = opts.file ? readYaml(opts.file) : { data: {}, locate: () => undefined, has: () => false };
  const origins: Origins = new Map();
  applyEnv(data, opts.env ?? {}, origins);
  for (const [path, value] of Object.entries(opts.overrides ?? {})) {
    setPath(data, path.split('.'), value);
    origins.set(path, 'command-line flag');
  }
  return { data, where: whereOf(opts.file, { locate: locateInFile, has: inFile }, origins) };
}

/**
 * `config validate` (every section) and each job (the sections it uses): the needs of the configured kinds (secrets in the environment, fields a kind
 * requires) that jobs would otherwise meet only mid-run; each named like a schema error. Throws ConfigError.
 */
export function checkRequirements(config: FleetopsConfig, opts: LoadConfigOptions = {}, sections?: readonly string[]): void {
  const unmet = unmetRequirements(config, opts.env ?? {}).filter((u) => !sections || sections.includes(u.path[0]));
  if (unmet.length === 0) return;
  const { where } = sourceOf(opts);
  throw new ConfigError(unmet.map((u) => `config error: ${where(u.path)}${u.path.join('.')}: ${u.message}`).join('\n'));
}

/**
 * The user's signals are checked with the config (fields and PromQL template), so `config validate`
 * and every job refuse a bad one before any work, naming the file, line and field.
 */
function checkSignals(config: Pick<FleetopsConfig, 'signals' | 'components'>, where: Where): void {
  if (config.signals.length === 0) return;
  try {
    configCatalog(config);
  } catch (err) {
    if (!(err instanceof ConfigError) || !err.path) throw err;
    throw new ConfigError(`config error: ${where([...err.path])}${err.path.join('.')}: ${err.message}`, { cause: err, path: err.path });
  }
}

/** Evidence sources whose kind `simulator` reads the simulated fleet, and what to set instead. */
const SIMULATED_EVIDENCE = [
  { field: 'logs', serves: 'logs', instead: 'opensearch or none' },
  { field: 'events', serves: 'Kubernetes events', instead: 'opensearch or none' },
  { field: 'changes', serves: 'deploys and config changes', instead: 'argocd or none' },
] as const;

/**
 * Simulated logs, events or changes beside a real fleet (inventory or metrics not `simulator`): the RCA
 * would cite the simulated fleet's evidence for a real cluster whose id it shares, and find none for
 * the rest without saying why. Refused, naming each field and what to set instead.
 */
function checkEvidenceSources(config: FleetopsConfig, data: Json, where: Where): void {
  const real = (['inventory', 'metrics'] as const).filter((k) => config[k].kind !== 'simulator').map((k) => {
    const from = where([k, 'kind']).replace(/: $/, '');
    return `${k}.kind is ${config[k].kind}${from ? ` (${from})` : ''}`;
  });
  if (real.length === 0) return;
  const bad = SIMULATED_EVIDENCE.filter((s) => config[s.field].kind === 'simulator');
  if (bad.length === 0) return;
  throw new ConfigError(bad.map((s) => {
    const path = [s.field, 'kind'];
    const value = getPath(data, path) === undefined ? 'simulator (the default)' : 'simulator';
    return `config error: ${where(path)}${s.field}.kind: ${value} serves the simulated fleet's ${s.serves}, but ${real.join(' and ')}; set ${s.field}.kind to ${s.instead}`;
  }).join('\n'), { path: [bad[0].field, 'kind'] });
}

interface FileLines {
  /** Line of the value at path, else of its nearest ancestor in the file. */
  locate: (path: PropertyKey[]) => number | undefined;
  /** Whether the file itself sets path. */
  has: (path: PropertyKey[]) => boolean;
}

function readYaml(file: string): { data: Json } & FileLines {
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
  return { data: data as Json, locate, has: (path) => doc.hasIn(path) };
}

function keyLineOf(parent: unknown, key: PropertyKey, lc: LineCounter): number | undefined {
  if (!isMap(parent) && !isSeq(parent)) return undefined;
  for (const item of parent.items as { key?: { value?: unknown; range?: number[] }; range?: number[] }[]) {
    if (isMap(parent) && item.key?.value === key && item.key.range) return lc.linePos(item.key.range[0]).line;
  }
  return undefined;
}

/** Where a value that did not come from the file came from, by dotted path: errors name it instead of a file line. */
type Origins = Map<string, string>;

function applyEnv(data: Json, env: NodeJS.ProcessEnv, origins: Origins): void {
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || raw === undefined) continue;
    const path = resolveEnvPath(name.slice(ENV_PREFIX.length).split('__'));
    setPath(data, path, coerce(raw, schemaAt(path)));
    origins.set(path.join('.'), `environment variable ${name}`);
  }
}

type SchemaNode = z.ZodType | undefined;
interface CheckDef { check?: string; value?: unknown; inclusive?: boolean; format?: string; pattern?: RegExp; error?: (issue: unknown) => unknown }
interface SchemaDef extends CheckDef {
  type?: string; innerType?: SchemaNode; shape?: Record<string, z.ZodType>; valueType?: SchemaNode; element?: SchemaNode; options?: z.ZodType[];
  in?: SchemaNode; entries?: Record<string, unknown>; values?: unknown[]; checks?: { _zod: { def: CheckDef } }[];
}
const defOf = (t: SchemaNode) => ((t as unknown as { def?: SchemaDef } | undefined)?.def ?? {});

/** The schema itself, past default / prefault / optional / nullable / pipe wrappers. */
function unwrap(t: SchemaNode): SchemaNode {
  let cur = t;
  for (let i = 0; i < 8 && cur; i++) {
    const def = defOf(cur);
    const next = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
    if (!next) break;
    cur = next;
  }
  return cur;
}

/** The keys a mapping schema knows (every option's, for a union such as metrics.prometheus.auth). */
function shapeOf(t: SchemaNode): Record<string, z.ZodType> | undefined {
  const def = defOf(unwrap(t));
  if (def.shape) return def.shape;
  if (def.type === 'union' && def.options) return Object.assign({}, ...def.options.map((o) => shapeOf(o) ?? {}));
  return undefined;
}

function childOf(t: SchemaNode, key: string): SchemaNode {
  const def = defOf(unwrap(t));
  if (def.type === 'record') return def.valueType;
  if (def.type === 'array') return def.element;
  return shapeOf(t)?.[key];
}

/** The schema at a path under `root` (undefined where the schema does not know it). */
function schemaIn(root: SchemaNode, path: readonly PropertyKey[]): SchemaNode {
  let cur = root;
  for (const key of path) cur = childOf(cur, String(key));
  return unwrap(cur);
}

const schemaAt = (path: string[]): SchemaNode => schemaIn(FleetopsConfig, path);

/** Map upper-case env segments onto the schema's camelCase keys (through unions, such as auth's kinds). */
function resolveEnvPath(segments: string[]): string[] {
  let cur: SchemaNode = FleetopsConfig;
  return segments.map((seg) => {
    const key = Object.keys(shapeOf(cur) ?? {}).find((k) => k.toLowerCase() === seg.toLowerCase().replace(/_/g, ''))
      ?? seg.toLowerCase();
    cur = childOf(cur, key);
    return key;
  });
}

/**
 * An environment value as the field's type: a string field keeps the text as it is (a numeric Mimir
 * tenant `12345`, a channel id), a number or boolean field parses it; elsewhere JSON for a mapping or list.
 */
function coerce(raw: string, schema: SchemaNode): unknown {
  const def = defOf(schema);
  const stringish = def.type === 'string' || (def.type === 'enum' && Object.values(def.entries ?? {}).every((v) => typeof v === 'string'))
    || (def.type === 'literal' && (def.values ?? []).every((v) => typeof v === 'string'));
  if (stringish) return raw;
  if (def.type === 'number') return /^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/.test(raw) ? Number(raw) : raw;
  if (def.type === 'boolean') return raw === 'true' || raw === 'false' ? raw === 'true' : raw;
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

/** `prefix: ` naming where a field's value came from: the environment variable or flag that set it, else file:line. */
type Where = (path: PropertyKey[]) => string;

/**
 * The origin of the path or an ancestor; else the file line when the file holds the path's object;
 * else whatever set another field of that object (a missing `auth.kind` names the variable that set
 * `auth.tokenEnv`, which made the object); else the nearest file line.
 */
function whereOf(file: string | undefined, lines: FileLines, origins: Origins): Where {
  const inFile = (path: PropertyKey[]) => `${file}:${lines.locate(path) ?? 1}: `;
  return (path) => {
    for (let n = path.length; n > 0; n--) {
      const origin = origins.get(path.slice(0, n).join('.'));
      if (origin) return `${origin}: `;
    }
    const parent = path.slice(0, -1);
    if (file && (lines.has(path) || lines.has(parent))) return inFile(path);
    const prefix = `${parent.join('.')}.`;
    const sibling = parent.length > 0 ? [...origins].find(([p]) => p.startsWith(prefix)) : undefined;
    if (sibling) return `${sibling[1]}: `;
    return file ? inFile(path) : '';
  };
}

interface Problem {
  path: PropertyKey[];
  /** What the field expects; undefined for a key the schema does not know. */
  expected?: string;
}

function formatIssues(issues: z.core.$ZodIssue[], data: Json, where: Where): string {
  return issues.flatMap((issue) => problemsOf(issue, [], FleetopsConfig)).map(({ path, expected }) => {
    const field = path.length > 0 ? path.join('.') : '(root)';
    const what = expected === undefined ? 'unknown key (check spelling; see fleetops.example.yaml)' : `expected ${expected}, found ${describe(getPath(data, path))}`;
    return `config error: ${where(path)}${field}: ${what}`;
  }).join('\n');
}

/**
 * The fields an issue concerns, under `prefix` (where `root`, the schema its path is relative to, sits).
 * A union of mappings that the value nearly matched speaks through that option's own issues.
 */
function problemsOf(issue: z.core.$ZodIssue, prefix: PropertyKey[], root: SchemaNode): Problem[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'unrecognized_keys') return issue.keys.map((k) => ({ path: [...path, k] }));
  const schema = optionFor(schemaIn(root, issue.path), issue);
  const near = issue.code === 'invalid_union' ? nearestOption(issue, schema) : undefined;
  if (near) return near.issues.flatMap((i) => problemsOf(i, path, near.schema));
  return [{ path, expected: expectedOf(issue, schema) }];
}

/** The union option with the fewest issues among those whose shape the value has (no issue at the value itself). */
function nearestOption(issue: z.core.$ZodIssueInvalidUnion, union: SchemaNode): { issues: z.core.$ZodIssue[]; schema: SchemaNode } | undefined {
  const options = defOf(union).options ?? [];
  const near = issue.errors.map((issues, i) => ({ issues, schema: options[i] }))
    .filter((o) => o.issues.length > 0 && o.issues.every((i) => i.path.length > 0));
  return near.sort((a, b) => a.issues.length - b.issues.length)[0];
}

/** Of a union, the one option of the type an issue is about (the number option for a number out of range), so its bounds are named. */
function optionFor(schema: SchemaNode, issue: z.core.$ZodIssue): SchemaNode {
  const options = defOf(schema).type === 'union' ? defOf(schema).options ?? [] : [];
  const type = issue.code === 'too_small' || issue.code === 'too_big' ? issue.origin : issue.code === 'invalid_format' ? 'string' : undefined;
  const matching = options.map(unwrap).filter((o) => defOf(o).type === (type === 'int' ? 'number' : type));
  return matching.length === 1 ? matching[0] : schema;
}

/** zod's own wording (`Too small: …`, `Invalid input`), which the config error replaces with its own. */
const ZOD_WORDING = /^(Invalid |Too (small|big): |Unrecognized key)/;

/** What the field expects, as a phrase: `an integer from 1 to 1024`, `one of "a", "b"`, `a string of at least 1 character`. */
function expectedOf(issue: z.core.$ZodIssue, schema: SchemaNode): string {
  // the schema's own message (`an environment variable name`) says it best
  if (!ZOD_WORDING.test(issue.message)) return issue.message.replace(/^expected /i, '');
  switch (issue.code) {
    case 'invalid_type': return typeExpected(issue.expected, schema);
    case 'invalid_value': return oneOf(issue.values);
    case 'too_small': case 'too_big': return sizeExpected(issue, schema);
    case 'invalid_format': return formatExpected(issue);
    case 'not_multiple_of': return `a multiple of ${issue.divisor}`;
    case 'invalid_union': return unionExpected(issue, schema);
    case 'invalid_key': return `a mapping whose keys are ${issue.issues.map((i) => expectedOf(i, undefined)).join(' and ')}`;
    default: return 'a valid value (see fleetops.example.yaml)';
  }
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string', boolean: 'true or false', object: 'a mapping', record: 'a mapping', map: 'a mapping',
  array: 'a list', set: 'a list', tuple: 'a list', null: 'null', undefined: 'nothing', bigint: 'an integer', date: 'a date',
};

/** The type a field expects, with what its schema adds: a number's bounds, a string's format. */
function typeExpected(type: string, schema: SchemaNode): string {
  if (type === 'number' || type === 'int') return numberExpected(schema, type === 'int');
  if (type !== 'string') return TYPE_NAMES[type] ?? `a ${type}`;
  const def = defOf(schema);
  const check = def.format ? def : def.checks?.map((c) => c._zod.def).find((c) => c.check === 'string_format');
  // a missing region says `an AWS region such as eu-west-1`, the message its pattern has
  const own = check?.error?.({ code: 'invalid_format', format: check.format, input: undefined });
  if (typeof own === 'string') return own.replace(/^expected /i, '');
  if (check?.format === 'regex' && check.pattern) return `a string matching ${String(check.pattern)}`;
  return (check?.format && FORMATS[check.format]) || 'a string';
}

interface Bound { value: number; inclusive: boolean }

/** A number field with the bounds its schema sets (`an integer from 1 to 1024`, `a number > 0 and < 1`). */
function numberExpected(schema: SchemaNode, int = false, bounds: { min?: Bound; max?: Bound } = {}): string {
  const def = defOf(schema);
  const checks = def.type === 'number' ? (def.checks ?? []).map((c) => c._zod.def) : [];
  const isInt = int || Boolean(def.format?.includes('int')) || checks.some((c) => c.check === 'number_format' && c.format?.includes('int'));
  const limit = (kind: string) => checks.filter((c) => c.check === kind && typeof c.value === 'number').map((c) => ({ value: c.value as number, inclusive: c.inclusive !== false }));
  const min = limit('greater_than').sort((a, b) => b.value - a.value)[0] ?? bounds.min;
  const max = limit('less_than').sort((a, b) => a.value - b.value)[0] ?? bounds.max;
  const noun = isInt ? 'an integer' : 'a number';
  if (min?.inclusive && max?.inclusive) return `${noun} from ${min.value} to ${max.value}`;
  const parts = [min && `${min.inclusive ? '≥' : '>'} ${min.value}`, max && `${max.inclusive ? '≤' : '<'} ${max.value}`].filter(Boolean);
  return parts.length > 0 ? `${noun} ${parts.join(' and ')}` : noun;
}

/** Noun and unit of what has a length: a string's characters, a list's items. */
const SIZED: Record<string, [string, string, string]> = {
  string: ['a string', 'character', 'characters'], array: ['a list', 'item', 'items'], set: ['a list', 'item', 'items'],
  map: ['a mapping', 'entry', 'entries'], file: ['a file', 'byte', 'bytes'],
};

function sizeExpected(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig, schema: SchemaNode): string {
  const small = issue.code === 'too_small';
  const n = Number(small ? issue.minimum : issue.maximum);
  const inclusive = issue.inclusive !== false;
  const sized = SIZED[issue.origin];
  if (sized) {
    const amount = issue.exact ? 'exactly' : small ? 'at least' : 'at most';
    return `${sized[0]} of ${amount} ${n} ${n === 1 ? sized[1] : sized[2]}`;
  }
  if (issue.origin === 'number' || issue.origin === 'int') return numberExpected(schema, issue.origin === 'int', small ? { min: { value: n, inclusive } } : { max: { value: n, inclusive } });
  const noun = issue.origin === 'date' ? 'a date' : 'a value';
  return `${noun} ${small ? (inclusive ? '≥' : '>') : (inclusive ? '≤' : '<')} ${n}`;
}

const FORMATS: Record<string, string> = {
  url: 'a URL such as https://example.com', email: 'an email address',
  datetime: 'an ISO 8601 time such as 2026-11-30T06:00:00Z', date: 'an ISO 8601 date such as 2026-11-30',
  time: 'a time of day such as 09:00:00', duration: 'an ISO 8601 duration such as PT1H', uuid: 'a UUID',
  ipv4: 'an IPv4 address', ipv6: 'an IPv6 address',
};

function formatExpected(issue: z.core.$ZodIssueInvalidStringFormat): string {
  const f = issue as z.core.$ZodIssueInvalidStringFormat & { prefix?: string; suffix?: string; includes?: string };
  if (f.format === 'regex') return `a string matching ${f.pattern}`;
  if (f.format === 'starts_with') return `a string starting with ${JSON.stringify(f.prefix)}`;
  if (f.format === 'ends_with') return `a string ending with ${JSON.stringify(f.suffix)}`;
  if (f.format === 'includes') return `a string containing ${JSON.stringify(f.includes)}`;
  return FORMATS[f.format] ?? `a valid ${f.format}`;
}

/**
 * What a union accepts: a discriminated union's discriminator values (its issue is at the
 * discriminator), else what each option expected of the value itself (`z.union` of literals).
 */
function unionExpected(issue: z.core.$ZodIssueInvalidUnion, union: SchemaNode): string {
  if ('options' in issue && issue.options && issue.options.length > 0) return oneOf(issue.options);
  if (issue.errors.length === 0) return 'a value that exactly one of its forms accepts';
  const options = defOf(union).options ?? [];
  const own = issue.errors.map((branch, i) => ({ issue: branch.find((b) => b.path.length === 0), schema: options[i] }));
  if (own.every((o) => o.issue?.code === 'invalid_value')) return oneOf(own.flatMap((o) => (o.issue as z.core.$ZodIssueInvalidValue).values));
  return [...new Set(own.map((o) => (o.issue ? expectedOf(o.issue, o.schema) : TYPE_NAMES[defOf(unwrap(o.schema)).type ?? ''] ?? 'a value of another form')))].join(' or ');
}

const oneOf = (values: readonly unknown[]) => `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.length === 0 ? 'a list with no items' : `a list of ${v.length} item${v.length === 1 ? '' : 's'}`;
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}
