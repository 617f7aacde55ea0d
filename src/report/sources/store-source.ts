import type { AnomalyRow, FeedbackRow, IncidentGroupRow, ProposalRow, RcaRow, Store } from '../../adapters/store/types.js';
import { digestKeys } from '../../digest/publish-digest.js';
import { isSuperseded } from '../../digest/supersede-groups.js';
import { proposalWeekMs } from '../../reporting/report/store-figures.js';

export interface StoreFacts {
  incidents: IncidentGroupRow[];
  rcas: Map<string, RcaRow>;
  /** Proposals for the incident groups started in the week, whenever they were made; one whose group is no longer stored, by when it was made. */
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
 * The week's proposals: each counts in the week its incident group started in (proposalWeekMs), so a
 * proposal made after the handoff for the week's last day counts beside its incident, and in no other week.
 * `groups`: those overlapping the week, which hold every group started in it; the group of a proposal
 * made in the week is read when it is not among them, so a stored group elsewhere keeps its proposal out.
 * A superseded group's proposals nobody acted on are left out (withdrawn).
 */
async function weekProposals(store: Store, week: { startMs: number; endMs: number }, groups: readonly IncidentGroupRow[]): Promise<ProposalRow[]> {
  const inWeek = (ms: number) => ms >= week.startMs && ms < week.endMs;
  const all = await store.proposals.list({});
  const byId = new Map(groups.map((g) => [g.id, g]));
  for (const id of new Set(all.filter((p) => !byId.has(p.groupId) && inWeek(p.createdAtMs)).map((p) => p.groupId))) {
    const group = await store.incidents.get(id);
    if (group) byId.set(id, group);
  }
  return all.filter((p) => {
    const group = byId.get(p.groupId);
    return inWeek(proposalWeekMs(p, group)) && !(group && isSuperseded(group) && (p.state === 'proposed' || p.state === 'expired'));
  });
}

/**
 * Everything the store holds about the week: incident groups and their RCAs, their proposals, feedback,
 * scan findings. Groups a later digest run of their day regrouped (superseded) are left out, with
 * their proposals nobody acted on (withdrawn): the groups that replaced them count those incidents.
 */
export async function readStoreFacts(store: Store, week: { startMs: number; endMs: number }): Promise<StoreFacts> {
  const [allIncidents, feedback, findings] = await Promise.all([
    store.incidents.list({ startMs: week.startMs, endMs: week.endMs }),
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
  const proposals = await weekProposals(store, week, allIncidents);
  return { incidents, rcas, daysWithoutDigest: await daysWithoutDigest(store, week, allIncidents), proposals, feedback, findings };
}
