import type { AnomalyRow, FeedbackRow, IncidentGroupRow, ProposalRow, RcaRow, Store } from '../../adapters/store/types.js';
import { digestKeys } from '../../digest/publish-digest.js';
import { isSuperseded } from '../../digest/supersede-groups.js';

export interface StoreFacts {
  incidents: IncidentGroupRow[];
  rcas: Map<string, RcaRow>;
  proposals: ProposalRow[];
  feedback: FeedbackRow[];
  findings: AnomalyRow[];
  /** UTC days the week touches with no digest stored (no document, parent message nor incident group): their incidents are not known yet. */
  daysWithoutDigest: string[];
}

const DAY_MS = 86_400_000;

/** The digest's days (UTC) that [startMs, endMs) touches, and of those, the ones no digest run left a trace of. */
async function daysWithoutDigest(store: Store, week: { startMs: number; endMs: number }, groups: readonly IncidentGroupRow[]): Promise<string[]> {
  const withGroups = new Set(groups.map((g) => g.day));
  const days: string[] = [];
  for (let d = Math.floor(week.startMs / DAY_MS); d <= Math.floor((week.endMs - 1) / DAY_MS); d += 1) days.push(new Date(d * DAY_MS).toISOString().slice(0, 10));
  const missing: string[] = [];
  for (const day of days) {
    if (withGroups.has(day)) continue;
    const [doc, parent] = await Promise.all([store.publications.get(digestKeys.document(day)), store.publications.get(digestKeys.parent(day))]);
    if (!doc && !parent) missing.push(day);
  }
  return missing;
}

/**
 * Everything the store holds about the week: incident groups and their RCAs, proposals, feedback,
 * scan findings. Groups a later digest run of their day regrouped (superseded) are left out, with
 * their proposals nobody acted on (withdrawn): the groups that replaced them count those incidents.
 */
export async function readStoreFacts(store: Store, week: { startMs: number; endMs: number }): Promise<StoreFacts> {
  const [allIncidents, proposals, feedback, findings] = await Promise.all([
    store.incidents.list({ startMs: week.startMs, endMs: week.endMs }),
    store.proposals.list({}),
    store.feedback.list({ sinceMs: week.startMs }),
    store.anomalies.list({ startMs: week.startMs, endMs: week.endMs }),
  ]);
  const superseded = new Set(allIncidents.filter(isSuperseded).map((g) => g.id));
  const incidents = allIncidents.filter((g) => !superseded.has(g.id));
  const rcas = new Map<string, RcaRow>();
  for (const g of incidents) {
    const rca = await store.rcas.get(g.id);
    if (rca) rcas.set(g.id, rca);
  }
  return { incidents, rcas, daysWithoutDigest: await daysWithoutDigest(store, week, allIncidents), proposals: proposals.filter((p) => p.createdAtMs >= week.startMs && p.createdAtMs < week.endMs && !(superseded.has(p.groupId) && (p.state === 'proposed' || p.state === 'expired'))), feedback, findings };
}
