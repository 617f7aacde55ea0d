/**
 * Log lines → templates with counts, so evidence can say "412 × `[ERROR] plugin/errors: <NUM>
 * <*> A: read udp <IP>-><IP>: i/o timeout`" instead of quoting one line. Two steps:
 * 1. mask the variable parts of each line (quoted strings, timestamps, UUIDs, IPs, versions, hex ids,
 *    pod-name hashes, durations, numbers) and group identical masked lines;
 * 2. merge masked lines of equal length and first token whose tokens mostly agree (Drain's
 *    similarity), replacing the disagreeing positions with `<*>`.
 * Step 2 visits masked lines by count, then text, so the result does not depend on input order.
 */

export interface TemplateLine {
  tsMs: number;
  message: string;
  cluster?: string;
}

export interface LogTemplate {
  template: string;
  count: number;
  firstTsMs: number;
  lastTsMs: number;
  /** The earliest line of the template, as logged. */
  sample: string;
  clusters: string[];
}

export interface LogTemplateOptions {
  /** Share of equal tokens needed to merge two masked lines (0–1). Default 0.5. */
  similarity?: number;
  /** Characters of a line considered; the rest is ignored. Default 1,000. */
  maxLineChars?: number;
  /** Templates compared per (length, first token) bucket before a line starts its own. Default 200. */
  maxCandidates?: number;
}

const WILDCARD = '<*>';
const HEX = '[0-9a-fA-F]';
// Kubernetes generated-name alphabet (no vowels, no 0/1/3): ReplicaSet hash and pod suffix.
const K8S = '[bcdfghjklmnpqrstvwxz2456789]';
// Quoted strings may hold spaces, so they go first, over the whole line.
const STR_RE = /"(?:[^"\\]|\\.)*"/g;
/**
 * Quoted strings that name the line rather than vary with it stay (their tokens are masked like the
 * rest): a JSON key (`{"msg":`), the value of a `msg`/`message` field (JSON, logfmt) and klog's
 * structured message (`file.go:123] "…"`). Masked, every structured line of a program read the same.
 */
const JSON_KEY_BEFORE = /[{,]\s*$/;
const JSON_KEY_AFTER = /^\s*:/;
const MESSAGE_BEFORE = /(?:^|[\s{,])"?(?:msg|message)"?\s*[:=]\s*$/;
const KLOG_CALLER_BEFORE = /(?:^|\s)[\w.-]+\.go:\d+\] $/;

function maskQuoted(quoted: string, offset: number, line: string): string {
  const before = line.slice(Math.max(0, offset - 80), offset);
  if (JSON_KEY_BEFORE.test(before) && JSON_KEY_AFTER.test(line.slice(offset + quoted.length))) return quoted;
  return MESSAGE_BEFORE.test(before) || KLOG_CALLER_BEFORE.test(before) ? quoted : '<STR>';
}
// The rest is matched token by token, and only in tokens that hold a digit, a dash or a colon.
const TOKEN_MASKS: [string, string][] = [
  ['TS', '\\d{4}-\\d\\d-\\d\\d(?:T\\d\\d:\\d\\d:\\d\\d(?:[.,]\\d+)?(?:Z|[+-]\\d\\d:?\\d\\d)?)?|\\b\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?\\b'],
  ['UUID', `\\b${HEX}{8}-${HEX}{4}-${HEX}{4}-${HEX}{4}-${HEX}{12}\\b`],
  ['IP', `\\b\\d{1,3}(?:\\.\\d{1,3}){3}(?::\\d{1,5})?\\b|(?<![\\w:])(?:(?:${HEX}{1,4}:){7}${HEX}{1,4}|(?:${HEX}{1,4}(?::${HEX}{1,4})*)?::(?:${HEX}{1,4}(?::${HEX}{1,4})*)?)(?![\\w:])`],
  ['VER', '(?<![\\w.])v?\\d+\\.\\d+\\.\\d+(?:-[\\w.]+)?(?![\\w.])'],
  ['HEX', `\\b0x${HEX}+\\b|\\b(?=${HEX}*\\d)(?=${HEX}*[a-fA-F])${HEX}{8,}\\b`],
  ['POD', `(?<=[a-z0-9])-(?:${K8S}{8,10}-)?${K8S}{5}(?![A-Za-z0-9-])`],
  ['DUR', '(?<![\\w.])(?:\\d+(?:\\.\\d+)?(?:ns|us|µs|ms|s|m|h))+(?![\\w.])'],
  ['NUM', '(?<![A-Za-z0-9_])\\d+(?:\\.\\d+)*(?:[KMGT]i?B?|[kK]B|%)?(?![A-Za-z0-9_])'],
];
const TOKEN_RE = new RegExp(TOKEN_MASKS.map(([, re]) => `(${re})`).join('|'), 'g');
const REPLACEMENTS = TOKEN_MASKS.map(([name]) => (name === 'POD' ? '-<ID>' : `<${name}>`));
const MAYBE_MASKED = /[\d:-]/;
// klog header: level letter, date, time, thread id.
const KLOG_RE = /^([IWEF])\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ /;

function maskToken(match: string, ...groups: unknown[]): string {
  for (let i = 0; i < REPLACEMENTS.length; i++) if (groups[i] !== undefined) return REPLACEMENTS[i];
  return match;
}

/** The line with its variable parts replaced by `<STR>`, `<TS>`, `<IP>`, `<NUM>`, …; whitespace collapsed. */
export function maskLine(message: string, maxChars = 1000): string {
  let line = message.length > maxChars ? message.slice(0, maxChars) : message;
  if (line.includes('"')) line = line.replace(STR_RE, maskQuoted);
  line = line.replace(KLOG_RE, '$1 <TS> <NUM> ');
  const tokens = line.split(/\s+/);
  for (let i = 0; i < tokens.length; i++) if (MAYBE_MASKED.test(tokens[i])) tokens[i] = tokens[i].replace(TOKEN_RE, maskToken);
  // join, not +=: a flat string hashes and compares fast as a Map key; a concatenation rope does not.
  return tokens.join(' ').trim();
}

interface Stats {
  count: number;
  firstTsMs: number;
  lastTsMs: number;
  sample: string;
}

/** Templates of the lines, most frequent first (ties by template text). */
export function clusterLogTemplates(lines: Iterable<TemplateLine>, opts: LogTemplateOptions = {}): LogTemplate[] {
  const { groups, lineGroup, lineCluster } = groupByMask(lines, opts.maxLineChars ?? 1000);
  const entries = [...groups].sort(([ka, a], [kb, b]) => b.count - a.count || (ka < kb ? -1 : 1));
  const templates = mergeSimilar(entries.map(([k]) => k), opts.similarity ?? 0.5, opts.maxCandidates ?? 200);
  const merged = new Map<string[], Stats & { clusters: Set<string> }>();
  const finalOf = new Map<Stats, Stats & { clusters: Set<string> }>();
  entries.forEach(([, g], i) => {
    let acc = merged.get(templates[i]);
    if (!acc) merged.set(templates[i], acc = { ...g, clusters: new Set() });
    else absorb(acc, g.count, g.firstTsMs, g.sample, g.lastTsMs);
    finalOf.set(g, acc);
  });
  // Clusters are collected per template, not per masked line: one Set per template instead of thousands.
  lineGroup.forEach((g, i) => { if (lineCluster[i] !== undefined) finalOf.get(g)!.clusters.add(lineCluster[i]!); });
  return [...merged].map(([tokens, g]) => ({
    template: tokens.join(' '), count: g.count, firstTsMs: g.firstTsMs, lastTsMs: g.lastTsMs, sample: g.sample, clusters: [...g.clusters].sort(),
  })).sort((a, b) => b.count - a.count || (a.template < b.template ? -1 : a.template > b.template ? 1 : 0));
}

function groupByMask(lines: Iterable<TemplateLine>, maxChars: number): { groups: Map<string, Stats>; lineGroup: Stats[]; lineCluster: (string | undefined)[] } {
  const groups = new Map<string, Stats>();
  const lineGroup: Stats[] = [];
  const lineCluster: (string | undefined)[] = [];
  // Repeated raw lines are common (health checks, retries): mask each distinct line once.
  const maskCache = new Map<string, string>();
  for (const l of lines) {
    let key = maskCache.get(l.message);
    if (key === undefined) {
      key = maskLine(l.message, maxChars);
      if (maskCache.size < 10_000) maskCache.set(l.message, key);
    }
    let g = groups.get(key);
    if (!g) groups.set(key, g = { count: 1, firstTsMs: l.tsMs, lastTsMs: l.tsMs, sample: l.message });
    else absorb(g, 1, l.tsMs, l.message, l.tsMs);
    lineGroup.push(g);
    lineCluster.push(l.cluster);
  }
  return { groups, lineGroup, lineCluster };
}

/** The sample is the earliest line (ties: the smaller text), so it does not depend on input order. */
function absorb(into: Stats, count: number, firstTsMs: number, sample: string, lastTsMs: number): void {
  into.count += count;
  if (firstTsMs < into.firstTsMs || (firstTsMs === into.firstTsMs && sample < into.sample)) into.sample = sample;
  into.firstTsMs = Math.min(into.firstTsMs, firstTsMs);
  into.lastTsMs = Math.max(into.lastTsMs, lastTsMs);
}

/** For each masked key (in the given order), the token array of the template it ends up in. */
function mergeSimilar(keys: string[], similarity: number, maxCandidates: number): string[][] {
  const buckets = new Map<string, string[][]>();
  const assigned: string[][] = [];
  for (const key of keys) {
    const tokens = key.split(' ');
    const bucketKey = `${tokens.length} ${tokens[0]} ${messageHead(tokens)}`;
    const bucket = buckets.get(bucketKey) ?? [];
    buckets.set(bucketKey, bucket);
    const best = bestMatch(bucket, tokens, similarity, maxCandidates);
    if (best) {
      for (let i = 0; i < tokens.length; i++) if (best[i] !== tokens[i]) best[i] = WILDCARD;
      assigned.push(best);
    } else {
      const fresh = [...tokens];
      bucket.push(fresh);
      assigned.push(fresh);
    }
  }
  return assigned;
}

const MESSAGE_TOKEN = /(?:^|[{,])"?(?:msg|message)"?[:=]"/;
const KLOG_CALLER = /\.go:<NUM>\]$/;

/**
 * The token holding the first word of a structured line's message (JSON or logfmt `msg`, klog's
 * quoted message), '' for other lines: their header tokens (level, time, caller, logger) are the
 * same on every line of a program, which alone made two of its messages similar enough to merge.
 */
function messageHead(tokens: string[]): string {
  const msg = tokens.find((t) => MESSAGE_TOKEN.test(t));
  if (msg) return msg;
  const caller = tokens.findIndex((t) => KLOG_CALLER.test(t));
  return caller >= 0 && tokens[caller + 1]?.startsWith('"') ? tokens[caller + 1] : '';
}

function bestMatch(bucket: string[][], tokens: string[], similarity: number, maxCandidates: number): string[] | undefined {
  let best: string[] | undefined;
  let bestScore = -1;
  for (let c = 0; c < bucket.length && c < maxCandidates; c++) {
    const t = bucket[c];
    let same = 0;
    for (let i = 0; i < tokens.length; i++) if (t[i] === tokens[i] && t[i] !== WILDCARD) same++;
    const score = same / tokens.length;
    if (score >= similarity && score > bestScore) {
      best = t;
      bestScore = score;
    }
  }
  return best;
}
