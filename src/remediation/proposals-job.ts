import type { ProposalRow } from '../adapters/store/types.js';
import { ExternalServiceError } from '../core/errors.js';
import type { JobContext } from '../core/run-job.js';
import { withDirectoryCache } from './approval/approver-directory.js';
import { postDailyAuditHead } from './audit/audit-log-tools.js';
import type { FeedbackSubject } from './feedback/collect-feedback.js';
import { collectDueFeedback, isFeedbackDue, planFeedback } from './feedback/collect-due-feedback.js';
import { claimExecution } from './proposals/claim-execution.js';
import { loadProposalContext } from './proposals/proposal-context.js';
import { shortId } from './proposals/proposal-id.js';
import { OPEN_STATES } from './proposals/proposal-state.js';
import { findProposalPost } from './proposals/proposal-thread.js';
import { reconcileProposed } from './proposals/reconcile-proposed.js';
import type { RemediationDeps } from './proposals/remediation-deps.js';
import { runExecution, type ExecutionResult } from './proposals/run-execution.js';
import { loadReadRecords, planThreadReads, saveReadRecords, type ProposalReadRecord, type ThreadReads } from './proposals/thread-reads.js';

export interface ProposalsJobDeps extends Omit<RemediationDeps, 'owner' | 'signal' | 'logger' | 'clock'> {
  /** Channel for the daily audit chain head. */
  auditChannel: string;
  /** RCA replies to read 👍/👎 from (the digest's publications); proposals are added here. */
  rcaFeedbackSubjects?: () => Promise<FeedbackSubject[]>;
}

export interface ProposalsJobSummary {
  open: number;
  approved: number;
  executed: Partial<Record<ExecutionResult, number>>;
  closed: Partial<Record<ProposalRow['state'], number>>;
  auditHeadPosted: boolean;
  feedbackRecorded: number;
  /** Open proposals this run did not reach (deadline, or after Slack's rate limit), by short id; the next run does them first. */
  notReconciled: string[];
  /** Threads of proposed proposals read (once per thread per run), and proposals whose thread was unchanged, so not read. */
  threads?: { read: number; unchanged: number };
}

/**
 * A run that cannot do them all does executions under way first, then approved ones, then the rest;
 * within each, the proposals reached least recently first (never reached, or left by the last run),
 * then by expiry. So a steady backlog starves none.
 */
const URGENCY: Partial<Record<ProposalRow['state'], number>> = { executing: 0, approved: 1, proposed: 2 };

function byUrgency(records: ReadonlyMap<string, ProposalReadRecord>): (a: ProposalRow, b: ProposalRow) => number {
  const reachedAt = (p: ProposalRow) => records.get(p.id)?.reachedAtMs ?? 0;
  return (a, b) => (URGENCY[a.state] ?? 3) - (URGENCY[b.state] ?? 3) || reachedAt(a) - reachedAt(b)
    || a.expiresAtMs - b.expiresAtMs || a.createdAtMs - b.createdAtMs;
}

const slackRateLimited = (err: unknown) => err instanceof ExternalServiceError && err.details.service === 'slack' && err.details.status === 429;

async function reconcileOne(deps: RemediationDeps, p: ProposalRow, summary: ProposalsJobSummary, reads: ThreadReads): Promise<void> {
  let row: ProposalRow | undefined = p;
  if (row.state === 'proposed') {
    row = await reconcileProposed(deps, row, reads);
    if (row) summary.approved += 1;
  }
  if (row?.state === 'approved') row = await claimExecution(deps, row);
  if (row?.state === 'executing') {
    const result = await runExecution(deps, row);
    summary.executed[result] = (summary.executed[result] ?? 0) + 1;
  }
  const final = await deps.store.proposals.get(p.id);
  if (final && !OPEN_STATES.includes(final.state) && final.state !== p.state) summary.closed[final.state] = (summary.closed[final.state] ?? 0) + 1;
}

/** Proposals whose reactions are due for a read (open or closed); only those are loaded. */
async function proposalSubjects(deps: RemediationDeps, due: readonly ProposalRow[]): Promise<FeedbackSubject[]> {
  const subjects: FeedbackSubject[] = [];
  for (const p of due) {
    const [post, context] = await Promise.all([findProposalPost(deps.store, p), loadProposalContext(deps.store, p.id)]);
    if (post && context) subjects.push({ kind: 'proposal', id: p.id, signature: context.signature, channel: post.channel, ts: post.ts, threadTs: post.threadTs, postedAtMs: p.createdAtMs });
  }
  return subjects;
}

/** 👍/👎 on proposals and RCA replies of the lookback window, read when due, within a per-run budget of Slack calls. */
async function readFeedback(deps: RemediationDeps, jobDeps: ProposalsJobDeps, ctx: JobContext): Promise<number> {
  const at = { nowMs: ctx.clock.nowMs(), lookbackMs: deps.config.feedbackLookbackDays * 86_400_000 };
  const recent = (await deps.store.proposals.list({})).filter((p) => p.createdAtMs >= at.nowMs - at.lookbackMs);
  const rca = (await jobDeps.rcaFeedbackSubjects?.()) ?? [];
  const plan = await planFeedback(deps.store, at, [...recent.map((p) => ({ kind: 'proposal' as const, id: p.id, postedAtMs: p.createdAtMs })), ...rca]);
  const subjects = [...(await proposalSubjects(deps, recent.filter((p) => isFeedbackDue(plan, { kind: 'proposal', id: p.id })))), ...rca];
  const result = await collectDueFeedback(deps, plan, subjects);
  for (const s of result.skipped) ctx.fail(`feedback:${s.subject}`, s.error);
  if (result.error) ctx.fail('feedback', result.error);
  if (result.left > 0) ctx.logger.info({ left: result.left, calls: result.calls }, 'feedback reads left to the next run');
  return result.recorded;
}

/**
 * The proposals job (every 2 minutes): for each open proposal, most urgent first, read its thread and
 * apply the policy, execute or resume what is approved, verify, roll back, update the thread, expire
 * stale ones. A thread is read once per run for all its proposals, and not while conversations.history
 * shows it unchanged since their last read (at most threadRecheckMinutes); before execution it is read
 * again regardless. A failure of one proposal is recorded and does not stop the others, except Slack's
 * rate limit: the rest would only wait for it too, and are listed in `notReconciled` for the next run,
 * which takes them first, as at the deadline. Then, once a day, the audit chain head; and the feedback
 * reactions due for a read. Users and group members are looked up once per run.
 */
export async function proposalsJob(jobDeps: ProposalsJobDeps, ctx: JobContext): Promise<ProposalsJobSummary> {
  const deps: RemediationDeps = { ...jobDeps, chat: withDirectoryCache(jobDeps.chat), owner: ctx.runId, signal: ctx.signal, logger: ctx.logger, clock: ctx.clock };
  const startMs = ctx.clock.nowMs();
  const listed = await deps.store.proposals.list({ states: [...OPEN_STATES] });
  const records = await loadReadRecords(deps.store, listed.map((p) => p.id));
  const open = listed.sort(byUrgency(records));
  const reads = await planThreadReads(deps, open.filter((p) => p.state === 'proposed'), records, ctx.logger);
  const summary: ProposalsJobSummary = { open: open.length, approved: 0, executed: {}, closed: {}, auditHeadPosted: false, feedbackRecorded: 0, notReconciled: [], threads: reads.counts };
  let stoppedBy: 'deadline' | 'slack-rate-limit' | undefined;
  const reached: string[] = [];
  for (const p of open) {
    if (!stoppedBy && ctx.signal.aborted) stoppedBy = 'deadline';
    if (stoppedBy) {
      summary.notReconciled.push(shortId(p.id));
      continue;
    }
    try {
      await reconcileOne(deps, p, summary, reads);
      reached.push(p.id);
    } catch (err) {
      ctx.fail(`proposal:${shortId(p.id)}`, err);
      if (slackRateLimited(err)) stoppedBy = 'slack-rate-limit';
      else reached.push(p.id);
    }
  }
  if (stoppedBy) ctx.logger.warn({ stoppedBy, notReconciled: summary.notReconciled }, 'proposals left to the next run');
  try {
    await saveReadRecords(deps.store, reached, records, startMs);
  } catch (err) {
    ctx.fail('proposal-reads', err);
  }
  try {
    summary.auditHeadPosted = await postDailyAuditHead({ ...deps, channel: jobDeps.auditChannel });
  } catch (err) {
    ctx.fail('sink:audit-head', err);
  }
  // reactions stay where they are: a run that was stopped leaves reading them to the next one
  if (stoppedBy) return summary;
  try {
    summary.feedbackRecorded = await readFeedback(deps, jobDeps, ctx);
  } catch (err) {
    ctx.fail('feedback', err);
  }
  return summary;
}
