import type { Clock } from '../../../core/clock.js';
import type { Logger } from '../../../core/logger.js';
import type { SignalCatalog } from '../../../signals/catalog.js';
import { escapeRegex } from '../../../signals/render-promql.js';
import type { PrometheusConnection } from './connection.js';
import { withDriver } from './driver-client.js';
import { PromLabelValues } from './schema.js';

export type UseRecordingRules = 'auto' | 'always' | 'never';

/**
 * Which catalog recording rules hold data, asked once per run: one label-values call over the rule
 * names for the first hour of the first range and one for its last hour, a rule counting only when
 * both hold it. A rule that stopped (a ruler down, rules removed) would otherwise leave the newest
 * points NaN for every cluster, read as a fleet gone silent; one not yet recording at the start would
 * leave the baselines' history empty. A failed probe falls back to raw templates.
 */
export async function probeRecordingRules(catalog: SignalCatalog, conn: PrometheusConnection, deps: { clock: Clock; logger: Logger }, window: { startMs: number; endMs: number }, signal: AbortSignal): Promise<Set<string>> {
  const names = [...new Set(catalog.entries.flatMap((e) => (e.recordingRule ? [e.recordingRule] : [])))];
  if (names.length === 0) return new Set();
  const match = `{__name__=~"${names.map(escapeRegex).join('|').replace(/\\/g, '\\\\')}"}`;
  const hour = 3_600_000;
  const ends = [[window.startMs, Math.min(window.endMs, window.startMs + hour)], [Math.max(window.startMs, window.endMs - hour), window.endMs]];
  try {
    // a window of an hour or less is asked once
    const [first, last = first] = await Promise.all(ends.slice(0, ends[1][0] > ends[0][0] ? 2 : 1).map(async ([startMs, endMs]) => {
      const { value } = await withDriver(conn, deps.clock, signal, (d) => d.labelValues('__name__', match, startMs, endMs));
      return PromLabelValues.parse(value);
    }));
    return new Set(first.filter((name) => last.includes(name)));
  } catch (err) {
    deps.logger.warn({ err }, 'recording rule probe failed; using raw templates');
    return new Set();
  }
}
