/**
 * The weekly report over its character budget: every figure stays (they are counts), and the two
 * lists that grow with the fleet are cut, each saying what it leaves out and where that is: first the
 * incident table (the incidents on the most clusters stay), then the open investigations.
 */
import type { DocModel } from '../doc-model.js';
import { docChars, GOOGLE_DOCS_MAX_CHARS, largestFitting } from '../doc-size.js';
import type { IncidentLine } from './store-figures.js';
import type { WeeklyReport } from './weekly-report.js';

/** Rows listed (all when undefined) and, once anything is cut, the sizes the notice states. */
export interface ReportCut {
  incidents?: number;
  open?: number;
  budget?: { fullChars: number; maxChars: number };
}

export function fitReportDoc(build: (cut: ReportCut) => DocModel, r: WeeklyReport, budget: { fullChars: number; maxChars: number }): DocModel {
  const fits = (cut: ReportCut) => docChars(build(cut)) <= budget.maxChars;
  const incidents = r.incidents?.length ?? 0;
  if (fits({ incidents: 0, budget })) return build({ incidents: largestFitting(0, incidents, (k) => fits({ incidents: k, budget })), budget });
  return build({ incidents: 0, open: largestFitting(0, r.threads?.open.length ?? 0, (k) => fits({ incidents: 0, open: k, budget })), budget });
}

export interface IncidentRanking {
  /** Indexes of the `count` incidents on the most clusters (root causes first among equals), in the table's start order; all when undefined. */
  listed(count: number | undefined): number[];
  /** What the incidents past the first `listed` are, and where to find them. */
  unlistedText(listed: number): string;
}

export function rankIncidents(incidents: readonly IncidentLine[]): IncidentRanking {
  const rank = [...incidents.keys()].sort((a, b) => incidents[b].clusters - incidents[a].clusters
    || Number(incidents[b].verdict === 'root-cause') - Number(incidents[a].verdict === 'root-cause') || a - b);
  const listed = (count: number | undefined) => (count === undefined || count >= incidents.length ? [...incidents.keys()] : rank.slice(0, count).sort((a, b) => a - b));
  return {
    listed,
    unlistedText(count) {
      const rest = rank.slice(count).map((i) => incidents[i]);
      const n = (v: IncidentLine['verdict']) => rest.filter((i) => i.verdict === v).length;
      return `${rest.length} of ${incidents.length} incident groups started this week are not listed, to keep this document within its budget: `
        + `${n('root-cause')} with a root cause, ${n('inconclusive')} inconclusive, ${n('no RCA')} without an RCA${n('not analysed') ? `, ${n('not analysed')} not analysed (past digest.maxAnalysedGroups)` : ''}`
        + `${count ? `; the ${count} listed are those on the most clusters, in start order` : ''}. `
        + 'Each one, with its RCA and evidence, is in the fleetops store and in the availability digest of its day.';
    },
  };
}

export function shortenedNotice(r: WeeklyReport, cut: ReportCut): string {
  const f = (x: number) => x.toLocaleString('en-US');
  const b = cut.budget!;
  const lists = [
    cut.incidents !== undefined && r.incidents && cut.incidents < r.incidents.length ? `${f(cut.incidents)} of ${f(r.incidents.length)} incident groups` : '',
    cut.open !== undefined && r.threads && cut.open < r.threads.open.length ? `${f(cut.open)} of ${f(r.threads.open.length)} open investigations` : '',
  ].filter(Boolean).join(' and ');
  return `Shortened to fit Google Docs: the whole report would take about ${f(b.fullChars)} characters, over this document's budget of ${f(b.maxChars)} `
    + `(a Google Doc holds at most about ${f(GOOGLE_DOCS_MAX_CHARS)}), so it lists ${lists || 'fewer rows'}. Every count and figure covers them all.`;
}
