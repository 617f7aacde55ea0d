import type { AnomalyRow, FeedbackRow, IncidentGroupRow, ProposalRow, RcaRow, Store } from '../../adapters/store/types.js';
import { isSuperseded } from '../../digest/supersede-groups.js';

export interface StoreFacts {
  incidents: IncidentGroupRow[];
  rcas: Map<string, RcaRow>;
  proposals: ProposalRow[];
  feedback: FeedbackRow[];
  findings: AnomalyRow[];
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
  return { incidents, rcas, proposals: proposals.filter((p) => p.createdAtMs >= week.startMs && p.createdAtMs < week.endMs && !(superseded.has(p.groupId) && (p.state === 'proposed' || p.state === 'expired'))), feedback, findings };
}
