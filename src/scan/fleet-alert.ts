import type { ChatBlockMessage } from '../adapters/chat/types.js';
import type { AnomalyRow } from '../adapters/store/types.js';

export interface FleetWideGroup {
  kind: string;
  component: string;
  signal: string;
  startMs: number;
  clusters: string[];
  /** The dip with the lowest availability among the group's rows (dips only), as its row says. */
  worst?: { cluster: string; minAvailability: number; slo: number };
}

/** Severe findings of the same kind, component and signal across at least `minClusters` clusters. */
export function fleetWideGroups(rows: AnomalyRow[], minClusters: number): FleetWideGroup[] {
  const by = new Map<string, { g: FleetWideGroup; seen: Set<string> }>();
  for (const r of rows) {
    const key = `${r.kind}|${r.component}|${r.signal}`;
    let e = by.get(key);
    if (!e) by.set(key, (e = { g: { kind: r.kind, component: r.component, signal: r.signal, startMs: r.startMs, clusters: [] }, seen: new Set() }));
    const g = e.g;
    g.startMs = Math.min(g.startMs, r.startMs);
    // a Set, not clusters.includes: a 7,000-cluster group was 24 M comparisons
    if (!e.seen.has(r.cluster)) {
      e.seen.add(r.cluster);
      g.clusters.push(r.cluster);
    }
    const { minAvailability, slo } = r.details as { minAvailability?: unknown; slo?: unknown };
    if (typeof minAvailability === 'number' && typeof slo === 'number' && (!g.worst || minAvailability < g.worst.minAvailability)) g.worst = { cluster: r.cluster, minAvailability, slo };
  }
  return [...by.values()].map((e) => e.g).filter((g) => g.clusters.length >= minClusters).sort((a, b) => b.clusters.length - a.clusters.length);
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The key of an alert for this group's episode starting at its start hour. */
export function fleetAlertKey(g: FleetWideGroup): string {
  return `scan-alert:${g.kind}:${g.component}:${g.signal}:${hourOf(g.startMs)}`;
}

const hourOf = (ms: number) => new Date(Math.floor(ms / 3_600_000) * 3_600_000).toISOString();
/** As the digest writes times: `2026-11-30 04:00 UTC`. */
const shownHour = (ms: number) => `${hourOf(ms).slice(0, 16).replace('T', ' ')} UTC`;
const percent = (x: number) => `${(100 * x).toFixed(2)}%`;

/**
 * One alert per fleet-wide group. The key is the group's identity and the start hour of its episode
 * (`key`: the one the episode's first alert got, which the caller keeps while the group stays
 * fleet-wide), so the next hourly run edits the same message instead of paging again.
 */
export function fleetAlertMessage(g: FleetWideGroup, channel: string, key = fleetAlertKey(g)): ChatBlockMessage {
  const what = g.kind === 'missing-data' ? 'stopped reporting' : `${esc(g.component)} ${esc(g.signal)} below SLO`;
  const text = `Fleet-wide: ${g.clusters.length} clusters ${what} since ${shownHour(g.startMs)}`;
  const sample = g.clusters.slice(0, 20).map(esc).join(', ') + (g.clusters.length > 20 ? `, … (+${g.clusters.length - 20})` : '');
  const worst = g.worst ? [{ type: 'section', text: { type: 'mrkdwn', text: `*Worst:* ${esc(g.worst.cluster)} at ${percent(g.worst.minAvailability)} (SLO ${percent(g.worst.slo)})`.slice(0, 3000) } }] : [];
  return {
    channel, text, idempotencyKey: key,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: text.slice(0, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: `*Clusters:* ${sample}`.slice(0, 3000) } },
      ...worst,
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'fleetops fleet-scan · the daily digest will group and explain it' }] },
    ],
  };
}
