import { RETENTION_KINDS, type RetentionKind } from '../adapters/store/types.js';
import type { RetentionSummary } from './retention-job.js';

type Cutoffs = RetentionSummary['cutoffs'];

/** What each kind's rows are, with the cutoff that applied. */
const WHAT: Record<RetentionKind, (c: Cutoffs) => string> = {
  runs: (c) => `finished runs started before ${c.runs}`,
  approvals: (c) => `approvals of proposals whose group has none open or changed since ${c.proposals}`,
  proposalContexts: (c) => `contexts of proposals whose group has none open or changed since ${c.proposals}`,
  proposalReads: (c) => `thread read records of proposals no longer open, last written before ${c.proposalReads}`,
  feedbackReads: (c) => `feedback read records last written before ${c.feedbackReads}`,
  auditKeys: () => 'audit dedupe keys (audit:*) of deleted proposals and incident groups',
  proposalPosts: (c) => `Slack post and thread-note records of proposals whose group has none open or changed since ${c.proposals}`,
  publications: (c) => `digest, on-call report, audit-head and fleet-alert records last updated before ${c.publications}`,
  proposals: (c) => `proposals whose group has none open or changed since ${c.proposals}`,
  evidence: (c) => `evidence created before ${c.evidence}`,
  rcas: (c) => `RCAs created before ${c.rcas}`,
  incidents: (c) => `incident groups ended before ${c.incidents}`,
  anomalies: (c) => `anomalies ended before ${c.anomalies}`,
  detectorStates: (c) => `detector states of clusters not in the inventory, last scanned before ${c.detectorStates}`,
};

function keptLines(s: RetentionSummary): string[] {
  const lines = ['the audit log (append-only, never deleted)'];
  if (s.held?.openProposals) lines.push(`${s.held.openProposals} open proposal(s) with their incident groups, anomalies, evidence, RCAs, publications, contexts and read records`);
  if (s.held?.runsLeftRunning) lines.push(`${s.held.runsLeftRunning} run(s) started before ${s.cutoffs.runs} still marked running (never deleted; the job's next run records one it finds past its deadline as failed)`);
  if (s.detectorStatesSkipped) lines.push(`all detector states: ${s.detectorStatesSkipped}`);
  return lines;
}

/** The CLI's report: per kind, the rows deleted (dry run: that would be) and which rule applied; then what was kept and why. */
export function formatRetentionSummary(s: RetentionSummary): string {
  const width = Math.max(...RETENTION_KINDS.map((k) => k.length));
  const total = Object.values(s.deleted).reduce((a, b) => a + b, 0);
  const head = s.dryRun
    ? `retention (dry run, nothing deleted): would delete ${total} row(s) in ${s.batches} batch(es)`
    : `retention: deleted ${total} row(s) in ${s.batches} batch(es)${s.complete ? '' : ', stopped before the end (rerun to finish)'}`;
  const rows = RETENTION_KINDS.map((k) => `  ${k.padEnd(width)}  ${String(s.deleted[k] ?? '-').padStart(9)}  ${WHAT[k](s.cutoffs)}`);
  return `${head}\n${rows.join('\n')}\nkept:\n${keptLines(s).map((l) => `  ${l}`).join('\n')}\n`;
}
