import type { z } from 'zod';

/** One field a zod issue concerns, in words: `expected an integer from 1 to 1024, found number 0`. */
export interface IssueText {
  path: PropertyKey[];
  /** The path dotted (`scan.shards`), `(root)` for the value itself. */
  field: string;
  message: string;
}

export interface DescribeOptions {
  /** Where the accepted fields are documented (`fleetops.example.yaml`), named for an unknown key. */
  reference?: string;
  /**
   * How the schema's own messages read: `expected` (the default) when each names what the field
   * expects (`an environment variable name`), so it follows "expected"; `sentence` when a refine's is a
   * sentence of its own (`min must not exceed max`), shown as it is. A format's (a regex's) message
   * names what the field expects either way (`a kebab-case id such as …`).
   */
  ownMessages?: 'expected' | 'sentence';
}

/** What the phrases are built with: the phrase for an issue this does not know, and how own messages read. */
interface Context {
  fallback: string;
  sentences: boolean;
}

/**
 * The issues of `schema.safeParse(data)` as sentences, each naming the field, what it expects and what
 * `data` holds there; zod's own wording (`Too small: …`, `Invalid option`) never shows. A union the
 * value nearly matches speaks through that option's fields; an unknown key reads `unknown key (check spelling)`.
 */
export function describeIssues(issues: readonly z.core.$ZodIssue[], schema: z.ZodType, data: unknown, opts: DescribeOptions = {}): IssueText[] {
  const see = opts.reference ? `see ${opts.reference}` : undefined;
  const ctx: Context = { fallback: see ? `a valid value (${see})` : 'a valid value', sentences: opts.ownMessages === 'sentence' };
  return issues.flatMap((issue) => problemsOf(issue, [], schema, ctx)).map(({ path, expected, sentence }) => ({
    path,
    field: path.length > 0 ? path.join('.') : '(root)',
    message: sentence ?? (expected === undefined
      ? `unknown key (check spelling${see ? `; ${see}` : ''})`
      : `expected ${expected}, found ${describeValue(getPath(data, path))}`),
  }));
}

/** Longer strings are cut (an LLM answer or a response field can be megabytes). */
const MAX_SHOWN_CHARS = 200;

/** A value as an error names it: `number 0`, `string "x"`, `a list of 2 items`, `a mapping`, `nothing`. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string' && v.length > MAX_SHOWN_CHARS) return `string ${JSON.stringify(`${v.slice(0, 60)}…`)} (${v.length} characters)`;
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.length === 0 ? 'a list with no items' : `a list of ${v.length} item${v.length === 1 ? '' : 's'}`;
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

export type SchemaNode = z.ZodType | undefined;
interface CheckDef { check?: string; value?: unknown; inclusive?: boolean; format?: string; pattern?: RegExp; error?: (issue: unknown) => unknown }
export interface SchemaDef extends CheckDef {
  type?: string; innerType?: SchemaNode; shape?: Record<string, z.ZodType>; valueType?: SchemaNode; element?: SchemaNode; options?: z.ZodType[];
  in?: SchemaNode; entries?: Record<string, unknown>; values?: unknown[]; checks?: { _zod: { def: CheckDef } }[];
}
export const defOf = (t: SchemaNode): SchemaDef => ((t as unknown as { def?: SchemaDef } | undefined)?.def ?? {});

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
export function shapeOf(t: SchemaNode): Record<string, z.ZodType> | undefined {
  const def = defOf(unwrap(t));
  if (def.shape) return def.shape;
  if (def.type === 'union' && def.options) return Object.assign({}, ...def.options.map((o) => shapeOf(o) ?? {}));
  return undefined;
}

export function childOf(t: SchemaNode, key: string): SchemaNode {
  const def = defOf(unwrap(t));
  if (def.type === 'record') return def.valueType;
  if (def.type === 'array') return def.element;
  return shapeOf(t)?.[key];
}

/** The schema at a path under `root`, unwrapped (undefined where the schema does not know it). */
export function schemaIn(root: SchemaNode, path: readonly PropertyKey[]): SchemaNode {
  let cur = root;
  for (const key of path) cur = childOf(cur, String(key));
  return unwrap(cur);
}

function getPath(data: unknown, path: PropertyKey[]): unknown {
  let cur = data;
  for (const key of path) cur = (cur as Record<PropertyKey, unknown> | undefined)?.[key];
  return cur;
}

interface Problem {
  path: PropertyKey[];
  /** What the field expects; undefined for a key the schema does not know. */
  expected?: string;
  /** The schema's own message, when it is a sentence of its own. */
  sentence?: string;
}

/**
 * The fields an issue concerns, under `prefix` (where `root`, the schema its path is relative to, sits).
 * A union of mappings that the value nearly matched speaks through that option's own issues.
 */
function problemsOf(issue: z.core.$ZodIssue, prefix: PropertyKey[], root: SchemaNode, ctx: Context): Problem[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'unrecognized_keys') return issue.keys.map((k) => ({ path: [...path, k] }));
  if (ctx.sentences && issue.code !== 'invalid_format' && !ZOD_WORDING.test(issue.message)) return [{ path, sentence: issue.message }];
  const schema = optionFor(schemaIn(root, issue.path), issue);
  const near = issue.code === 'invalid_union' ? nearestOption(issue, schema) : undefined;
  if (near) return near.issues.flatMap((i) => problemsOf(i, path, near.schema, ctx));
  return [{ path, expected: expectedOf(issue, schema, ctx) }];
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

/** zod's own wording (`Too small: …`, `Invalid input`), which the message replaces with its own. */
const ZOD_WORDING = /^(Invalid |Too (small|big): |Unrecognized key)/;

/**
 * What the field expects, as a phrase: `an integer from 1 to 1024`, `one of "a", "b"`, `a string of at
 * least 1 character`; the context's fallback for an issue this does not know (a refine without a message).
 */
function expectedOf(issue: z.core.$ZodIssue, schema: SchemaNode, ctx: Context): string {
  // the schema's own message (`an environment variable name`) says it best
  if (!ZOD_WORDING.test(issue.message)) return issue.message.replace(/^expected /i, '');
  switch (issue.code) {
    case 'invalid_type': return typeExpected(issue.expected, schema);
    case 'invalid_value': return oneOf(issue.values);
    case 'too_small': case 'too_big': return sizeExpected(issue, schema);
    case 'invalid_format': return formatExpected(issue);
    case 'not_multiple_of': return `a multiple of ${issue.divisor}`;
    case 'invalid_union': return unionExpected(issue, schema, ctx);
    case 'invalid_key': return `a mapping whose keys are ${issue.issues.map((i) => expectedOf(i, undefined, ctx)).join(' and ')}`;
    default: return ctx.fallback;
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
function unionExpected(issue: z.core.$ZodIssueInvalidUnion, union: SchemaNode, ctx: Context): string {
  if ('options' in issue && issue.options && issue.options.length > 0) return oneOf(issue.options);
  if (issue.errors.length === 0) return 'a value that exactly one of its forms accepts';
  const options = defOf(union).options ?? [];
  const own = issue.errors.map((branch, i) => ({ issue: branch.find((b) => b.path.length === 0), schema: options[i] }));
  if (own.every((o) => o.issue?.code === 'invalid_value')) return oneOf(own.flatMap((o) => (o.issue as z.core.$ZodIssueInvalidValue).values));
  return [...new Set(own.map((o) => (o.issue ? expectedOf(o.issue, o.schema, ctx) : TYPE_NAMES[defOf(unwrap(o.schema)).type ?? ''] ?? 'a value of another form')))].join(' or ');
}

/** `one of "a", "b"`; a single value is named alone (`1`, not `one of 1`). */
function oneOf(values: readonly unknown[]): string {
  const shown = values.map((v) => JSON.stringify(v));
  return shown.length === 1 ? shown[0] : `one of ${shown.join(', ')}`;
}
