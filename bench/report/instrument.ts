/**
 * Timing around the weekly report job's injected dependencies, with bench/digest/instrument.ts's
 * Recorder (every wrapped call passes its arguments and result or error through unchanged) and this
 * job's own phase marks: read (alert history, store, on-call threads) → compute (report model, chart
 * SVG, document model, highlights) → docs → slack (message, then post) → chart (PNG, upload).
 */
import type { Adapters } from '../../src/adapters/index.js';
import type { AlertEpisode, AlertHistory } from '../../src/adapters/alerts/types.js';
import { instrumentAdapters, Recorder, stagesBetween, type Instant, type Phase } from '../digest/instrument.js';

const BOUNDARIES = new Set(['chat.history:end', 'chat.listReplies:end', 'docs.upsertDocument:start', 'docs.upsertDocument:end', 'chat.upsertMessage:start', 'chat.upsertMessage:end', 'chat.uploadFile:start']);

/** The digest's Recorder marking this job's boundaries instead of the digest's. */
export class ReportRecorder extends Recorder {
  override mark(name: string): void {
    if (!BOUNDARIES.has(name)) return;
    const c = process.cpuUsage();
    const t: Instant = { wallMs: performance.now(), cpuMs: (c.user + c.system) / 1000 };
    if (!this.first.has(name)) this.first.set(name, t);
    this.last.set(name, t);
  }
}

/** What the alert history returned, call by call (current week first, then the previous one). */
export interface AlertCapture { calls: { startMs: number; endMs: number; episodes: AlertEpisode[] }[] }

/** The adapters with ports, store and sinks timed (bench/digest/instrument.ts), and the alert history timed and captured. */
export function instrumentReportAdapters(rec: Recorder, a: Adapters, capture: AlertCapture): Adapters {
  let alerts: AlertHistory | undefined;
  const captured = (h: AlertHistory): AlertHistory => ({
    listEpisodes: async (range) => {
      const episodes = await h.listEpisodes(range);
      capture.calls.push({ startMs: range.startMs, endMs: range.endMs, episodes });
      return episodes;
    },
  });
  return { ...instrumentAdapters(rec, a), alerts: () => (alerts ??= rec.wrap('alerts', captured(a.alerts()))) };
}

/** The job's sequential phases from the marks; a phase whose mark is missing (a sink failed first) is left out. */
export function reportPhases(rec: Recorder, start: Instant, end: Instant): Phase[] {
  const l = (k: string) => rec.last.get(k);
  const f = (k: string) => rec.first.get(k);
  const read = [l('chat.history:end'), l('chat.listReplies:end')].filter((x): x is Instant => x !== undefined).sort((a, b) => b.wallMs - a.wallMs)[0];
  const bounds: [string, string, Instant | undefined][] = [
    ['read', 'alert history (this week, last week), store facts, on-call threads', start],
    ['compute', 'firing at handoff, report model, chart SVG, document model, highlights', read],
    ['docs', 'document written (Markdown + HTML files)', f('docs.upsertDocument:start')],
    ['slack', 'publication row, Slack message built and posted', l('docs.upsertDocument:end')],
    ['chart', 'chart PNG rendered, uploaded into the thread, publication row', l('chat.upsertMessage:end')],
  ];
  return stagesBetween(bounds, end);
}
