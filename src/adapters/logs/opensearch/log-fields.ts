/** Where a log document keeps each field, and turning one hit into a LogLine. */
import type { LogLine } from '../types.js';
import type { SearchHit } from './schema.js';
import { firstString, getString, getTimestampMs } from './source-fields.js';

export interface LogFieldMap {
  /** Not set by Fluent Bit/Fluentd: add it in the shipper (record_modifier / add_field). */
  cluster: string;
  namespace: string;
  pod: string;
  node: string;
  /** Label naming the component; the container name is the fallback. */
  component: string;
  container: string;
  /** Often absent: the level is then read from the message (klog prefix, `level=`, `[ERROR]`). */
  level: string;
  /** Candidates in order: Docker/CRI parsers put the line in `log`, others in `message`. */
  message: string[];
  timestamp: string;
}

/** The Fluent Bit / Fluentd Kubernetes filter layout. */
export const DEFAULT_LOG_FIELDS: LogFieldMap = {
  cluster: 'cluster',
  namespace: 'kubernetes.namespace_name',
  pod: 'kubernetes.pod_name',
  node: 'kubernetes.host',
  component: 'kubernetes.labels.app',
  container: 'kubernetes.container_name',
  level: 'level',
  message: ['log', 'message'],
  timestamp: '@timestamp',
};

/** A hit as a LogLine; undefined when it has no readable timestamp or message. `quiet`: level-field spellings read as debug. */
export function toLogLine(hit: SearchHit, f: LogFieldMap, componentOf: (label: string | undefined, container: string | undefined) => string, quiet: ReadonlySet<string> = new Set()): LogLine | undefined {
  const src = hit._source;
  const tsMs = getTimestampMs(src, [f.timestamp]);
  const raw = firstString(src, f.message)?.replace(/\r?\n$/, '');
  const message = raw === undefined ? undefined : capMessage(raw);
  if (tsMs === undefined || message === undefined) return undefined;
  const node = getString(src, f.node);
  const level = getString(src, f.level);
  return {
    id: `${hit._index}/${hit._id}`,
    tsMs,
    cluster: getString(src, f.cluster) ?? '',
    namespace: getString(src, f.namespace) ?? '',
    pod: getString(src, f.pod) ?? '',
    ...(node ? { node } : {}),
    component: componentOf(getString(src, f.component), getString(src, f.container)),
    // a quiet value the server may leave out is quiet here too, whatever the message says
    level: normaliseLevel(level) ?? (level !== undefined && quiet.has(level) ? 'debug' : levelFromMessage(message)),
    message,
  };
}

/** Longer lines (a JSON dump, a base64 blob) are cut: a marker says so and gives the full length. */
export const MAX_MESSAGE_CHARS = 8192;

function capMessage(message: string): string {
  if (message.length <= MAX_MESSAGE_CHARS) return message;
  // never keep half of a surrogate pair
  const cut = /[\uD800-\uDBFF]/.test(message[MAX_MESSAGE_CHARS - 1]) ? MAX_MESSAGE_CHARS - 1 : MAX_MESSAGE_CHARS;
  return `${message.slice(0, cut)}…[truncated, ${message.length} chars]`;
}

const LEVELS: Record<string, LogLine['level']> = {
  trace: 'debug', debug: 'debug', info: 'info', notice: 'info', warn: 'warn', warning: 'warn',
  err: 'error', error: 'error', crit: 'error', critical: 'error', fatal: 'error', panic: 'error', emerg: 'error', alert: 'error',
};

/** Level-field values of lines that are no problem, by default (see quietSpellings). */
export const DEFAULT_QUIET_LEVELS: readonly string[] = ['trace', 'debug', 'info', 'notice'];

/**
 * Each value as written, lower case, upper case and capitalised (`info`, `INFO`, `Info`): a keyword
 * field matches case-sensitively and shippers spell levels all three ways.
 */
export function quietSpellings(values: readonly string[]): string[] {
  const out = new Set<string>();
  for (const v of values) for (const s of [v, v.toLowerCase(), v.toUpperCase(), v.charAt(0).toUpperCase() + v.slice(1).toLowerCase()]) out.add(s);
  return [...out].sort();
}

export function normaliseLevel(value: string | undefined): LogLine['level'] | undefined {
  return value === undefined ? undefined : LEVELS[value.toLowerCase()];
}

const KLOG = /^([IWEF])\d{4} \d\d:\d\d:\d\d/;
const KLOG_LEVELS: Record<string, LogLine['level']> = { I: 'info', W: 'warn', E: 'error', F: 'error' };
const MARKED = /^\[(\w+)\]|\blevel=(\w+)|"level"\s*:\s*"(\w+)"/i;

/** Only explicit markers count: a message saying "no error" is not an error. */
export function levelFromMessage(message: string): LogLine['level'] {
  const klog = KLOG.exec(message);
  if (klog) return KLOG_LEVELS[klog[1]];
  const m = MARKED.exec(message);
  return normaliseLevel(m?.[1] ?? m?.[2] ?? m?.[3]) ?? 'info';
}
