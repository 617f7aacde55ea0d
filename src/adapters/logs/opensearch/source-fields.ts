/** Reading fields out of `_source`, whether shippers nested them (`{kubernetes:{pod_name}}`) or kept dots in keys. */

/** The value at a dotted path; a key that itself holds dots (`"kubernetes.pod_name"`) is found too. */
export function getField(source: unknown, path: string): unknown {
  if (source === null || typeof source !== 'object') return undefined;
  const obj = source as Record<string, unknown>;
  if (path in obj) return obj[path];
  const parts = path.split('.');
  for (let i = parts.length - 1; i >= 1; i--) {
    const head = parts.slice(0, i).join('.');
    if (head in obj) {
      const found = getField(obj[head], parts.slice(i).join('.'));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** A string field; the first element of an array; numbers as text; undefined for anything else or empty. */
export function getString(source: unknown, path: string): string | undefined {
  let v = getField(source, path);
  if (Array.isArray(v)) v = v[0];
  if (typeof v === 'number') return String(v);
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** First non-empty string among several candidate fields. */
export function firstString(source: unknown, paths: readonly string[]): string | undefined {
  for (const p of paths) {
    const v = getString(source, p);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** ISO 8601 date-time without a zone designator: OpenSearch indexes it as UTC, Date.parse as local time. */
const ZONELESS = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?$/;

/**
 * A date field as epoch ms: ISO 8601 text (UTC when it names no zone), epoch milliseconds, or
 * epoch-millis text; the first of `paths` that holds one after 1970-01-01. An earlier one is a zero
 * time standing for "unset" (Metricbeat writes 0001-01-01 for an event without last_occurrence, Go's
 * time.Time zero): the next field is read.
 */
export function getTimestampMs(source: unknown, paths: readonly string[]): number | undefined {
  for (const p of paths) {
    const v = getField(source, p);
    const ms = typeof v === 'number' ? v : typeof v === 'string' ? (/^\d+$/.test(v) ? Number(v) : Date.parse(ZONELESS.test(v) ? `${v}Z` : v)) : NaN;
    if (Number.isFinite(ms) && ms > 0) return ms;
  }
  return undefined;
}
