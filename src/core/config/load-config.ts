import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { configCatalog } from '../../signals/catalog.js';
import { ConfigError } from '../errors.js';
import { childOf, defOf, describeIssues, describeValue, schemaIn, shapeOf, type SchemaNode } from './format-issues.js';
import { unmetRequirements } from './requirements.js';
import { FleetopsConfig } from './schema.js';
import { yamlLocator } from './yaml-lines.js';

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
  if (typeof data !== 'object' || Array.isArray(data)) throw new ConfigError(`${file}:1: config must be a YAML mapping, found ${describeValue(data)}`);
  const locate = yamlLocator(doc, lineCounter);
  return { data: data as Json, locate, has: (path) => doc.hasIn(path) };
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

/** Each issue on its own line, prefixed with where its value came from. */
function formatIssues(issues: z.core.$ZodIssue[], data: Json, where: Where): string {
  return describeIssues(issues, FleetopsConfig, data, { reference: 'fleetops.example.yaml' })
    .map(({ path, field, message }) => `config error: ${where(path)}${field}: ${message}`).join('\n');
}
