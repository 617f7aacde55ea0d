import type { Clock } from '../../../core/clock.js';
import type { Logger } from '../../../core/logger.js';
import type { SignalCatalog } from '../../../signals/catalog.js';
import { escapeRegex } from '../../../signals/render-promql.js';
import type { PrometheusConnection } from './connection.js';
import { withDriver } from './driver-client.js';
import { PromLabelValues } from './schema.js';

export type UseRecordingRules = 'auto' | 'always' | 'never';

/**
 * Which catalog recording rules hold data, asked once per run (one label-values call over the
 * rule names near the start of the first range). A failed probe falls back to raw templates.
 */
export async function probeRecordingRules(catalog: SignalCatalog, conn: PrometheusConnection, deps: { clock: Clock; logger: Logger }, window: { startMs: number; endMs: number }, signal: AbortSignal): Promise<Set<string>> {
  const names = [...new Set(catalog.entries.flatMap((e) => (e.recordingRule ? [e.recordingRule] : [])))];
  if (names.length === 0) return new Set();
  const match = `{__name__=~"${names.map(escapeRegex).join('|').replace(/\\/g, '\\\\')}"}`;
  try {
    const { value } = await withDriver(conn, deps.clock, signal, (d) => d.labelValues('__name__', match, window.startMs, window.endMs));
    return new Set(PromLabelValues.parse(value));
  } catch (err) {
    deps.logger.warn({ err }, 'recording rule probe failed; using raw templates');
    return new Set();
  }
}
