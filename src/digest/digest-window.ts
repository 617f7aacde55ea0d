import type { AnomalyRow } from '../adapters/store/types.js';
import { ConfigError } from '../core/errors.js';

const DAY_MS = 86_400_000;

export interface DigestWindow {
  /** `YYYY-MM-DD`: the publication key. */
  day: string;
  startMs: number;
  endMs: number;
}

/**
 * `day` given: that UTC calendar day. Otherwise the last whole UTC day ending at or before `endMs`
 * (the clock, or the simulated fleet's end): a daily run at 06:00 describes yesterday, and so does
 * a rerun at 14:00 or a `--day` run for yesterday. Every run with one key covers the same window (a
 * rolling 24 h window keyed by its start date gave a later `--day` run of that date other findings,
 * other groups and a second reply per incident).
 */
export function resolveDigestWindow(day: string | undefined, endMs: number): DigestWindow {
  if (day === undefined) {
    const startMs = Math.floor(endMs / DAY_MS) * DAY_MS - DAY_MS;
    return { day: new Date(startMs).toISOString().slice(0, 10), startMs, endMs: startMs + DAY_MS };
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const startMs = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (!m || Number.isNaN(startMs) || new Date(startMs).toISOString().slice(0, 10) !== day) {
    throw new ConfigError(`--day: expected a calendar date YYYY-MM-DD such as 2026-11-29, found ${JSON.stringify(day)}`);
  }
  return { day, startMs, endMs: startMs + DAY_MS };
}

/** What the digest explains: SLO dips, silent clusters, and warning or critical anomalies. */
export function isDigestFinding(f: AnomalyRow): boolean {
  return f.kind === 'dip' || f.kind === 'missing-data' || f.severity === 'warning' || f.severity === 'critical';
}
