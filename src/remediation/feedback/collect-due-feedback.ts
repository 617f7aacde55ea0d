import type { ChatChannel, ChatMessage } from '../../adapters/chat/types.js';
import type { Store } from '../../adapters/store/types.js';
import type { Clock } from '../../core/clock.js';
import { ExternalServiceError } from '../../core/errors.js';
import { memberCheck, recordReactions, type FeedbackSubject, type MemberCheck } from './collect-feedback.js';
import { checkAgesMs, loadLastReads, nextCheckMs, saveLastReads } from './feedback-schedule.js';

/**
 * Slack calls the feedback step may make in one run: reads (conversations.history or .replies, one
 * call each: a digest thread has 26 replies by default, one page) and lookups of who reacted (users.info).
 * 20 every 2 minutes is a fifth of what Slack's Tier 3 allows; the steady load is ~3 per run at 200
 * proposals a day (12 reads each).
 */
export const FEEDBACK_CALLS_PER_RUN = 20;

export interface FeedbackDeps {
  chat: ChatChannel;
  store: Store;
  clock: Clock;
  /** The job deadline: reached, the step stops and leaves the rest to the next run. */
  signal?: AbortSignal;
}

/** This run's schedule: the subjects whose next read is due, with its time. */
export interface FeedbackPlan {
  nowMs: number;
  dueAtMs: ReadonlyMap<string, number>;
}

/** A subject as far as the schedule needs it: posted at `postedAtMs`, or else at its Slack `ts`. */
export type FeedbackCandidate = Pick<FeedbackSubject, 'kind' | 'id' | 'postedAtMs'> & { ts?: string };

export interface DueFeedbackResult {
  /** Feedback rows new this run. */
  recorded: number;
  /** Calls charged to the budget (an upper bound: a message or user already read this run costs nothing). */
  calls: number;
  /** Subjects read. */
  read: number;
  /** Subjects due but left to the next runs (budget or deadline), which take them first. */
  left: number;
  /** Subjects Slack refused to read (thread or channel gone), or with no usable time: reported, read again at their next check. */
  skipped: { subject: string; error: unknown }[];
  /** What stopped the step early (rate limit, Slack unavailable, the store); what was left is read next run. */
  error?: unknown;
}

interface Due {
  s: FeedbackSubject;
  key: string;
  atMs: number;
}

export const subjectKey = (s: Pick<FeedbackSubject, 'kind' | 'id'>) => `${s.kind}:${s.id}`;
const postedAtOf = (c: FeedbackCandidate) => c.postedAtMs ?? Math.floor(Number(c.ts) * 1000);

/** Which candidates are due a read now, from when each was posted and last read (see checkAgesMs). */
export async function planFeedback(store: Store, at: { nowMs: number; lookbackMs: number }, candidates: readonly FeedbackCandidate[]): Promise<FeedbackPlan> {
  const agesMs = checkAgesMs(at.lookbackMs);
  const keys = [...new Set(candidates.map(subjectKey))];
  const lastReads = await loadLastReads(store, keys);
  const dueAtMs = new Map<string, number>();
  for (const c of candidates) {
    const next = nextCheckMs(postedAtOf(c), agesMs, lastReads.get(subjectKey(c)));
    if (next !== undefined && next <= at.nowMs) dueAtMs.set(subjectKey(c), next);
  }
  return { nowMs: at.nowMs, dueAtMs };
}

export const isFeedbackDue = (plan: FeedbackPlan, s: Pick<FeedbackSubject, 'kind' | 'id'>) => plan.dueAtMs.has(subjectKey(s));

/** Due subjects, oldest read first; one without a usable time is reported. */
function dueSubjects(plan: FeedbackPlan, subjects: readonly FeedbackSubject[], skipped: DueFeedbackResult['skipped']): Due[] {
  const due = new Map<string, Due>();
  for (const s of subjects) {
    const key = subjectKey(s);
    const atMs = plan.dueAtMs.get(key);
    if (!Number.isFinite(postedAtOf(s))) skipped.push({ subject: key, error: new Error(`feedback subject ${key}: ts "${s.ts}" is not a Slack timestamp and postedAtMs is not given`) });
    else if (atMs !== undefined && !due.has(key)) due.set(key, { s, key, atMs });
  }
  return [...due.values()].sort((a, b) => a.atMs - b.atMs || (a.key < b.key ? -1 : 1));
}

const isReply = (s: FeedbackSubject): s is FeedbackSubject & { threadTs: string } => Boolean(s.threadTs && s.threadTs !== s.ts);

/** One read answers a top-level message, or every due reply of one thread (a digest's RCA replies). */
function scopeOf(d: Due, due: readonly Due[], done: ReadonlySet<string>): Due[] {
  if (!isReply(d.s)) return [d];
  return due.filter((o) => !done.has(o.key) && isReply(o.s) && o.s.channel === d.s.channel && o.s.threadTs === d.s.threadTs);
}

function readScope(chat: ChatChannel, s: FeedbackSubject): Promise<ChatMessage[]> {
  return isReply(s) ? chat.listReplies(s.channel, s.threadTs) : chat.history(s.channel, { oldestTs: s.ts, latestTs: s.ts });
}

/** Slack answered, and refused (thread_not_found, channel_not_found, user_not_found): reading again soon would not help. */
const refusedBySlack = (err: unknown) => err instanceof ExternalServiceError && err.details.status === 200;

/** Membership charged to the budget, one call per user per run; undefined when the budget is spent. */
function budgetedMembers(chat: ChatChannel, budget: { left: number }): MemberCheck {
  const check = memberCheck(chat);
  const asked = new Map<string, boolean | undefined>();
  return async (id) => {
    if (asked.has(id)) return asked.get(id);
    if (budget.left < 1) return undefined;
    budget.left -= 1;
    // a user Slack does not know does not count
    const member = await check(id).catch((err: unknown) => (refusedBySlack(err) ? false : Promise.reject(err)));
    asked.set(id, member);
    return member;
  };
}

/** Reads one scope and records its reactions; marks each subject done once all its reactions are in. */
async function readAndRecord(deps: FeedbackDeps, scope: readonly Due[], isMember: MemberCheck, done: Set<string>, result: DueFeedbackResult): Promise<void> {
  const messages = await readScope(deps.chat, scope[0].s);
  for (const d of scope) {
    const r = await recordReactions(deps, d.s, messages.find((m) => m.ts === d.s.ts), isMember);
    result.recorded += r.added;
    if (!r.complete) return;
    done.add(d.key);
    result.read += 1;
  }
}

/**
 * Reads the reactions of the subjects whose read is due (see planFeedback), oldest first, within
 * `budgetCalls` Slack calls; the rest is left to the next runs, which take it first. A subject is read
 * 12 times over 14 days, so a 👍/👎 added at age a (10 min to 13 days) is counted by the read at age
 * ≤ max(10 min, 2a), later by the backlog when the budget is saturated. Idempotent: one row per
 * (subject, person, value), however often it is read. When each was read is stored once, at the end.
 */
export async function collectDueFeedback(deps: FeedbackDeps, plan: FeedbackPlan, subjects: readonly FeedbackSubject[], budgetCalls = FEEDBACK_CALLS_PER_RUN): Promise<DueFeedbackResult> {
  const result: DueFeedbackResult = { recorded: 0, calls: 0, read: 0, left: 0, skipped: [] };
  const due = dueSubjects(plan, subjects, result.skipped);
  const budget = { left: budgetCalls };
  const isMember = budgetedMembers(deps.chat, budget);
  const done = new Set<string>();
  for (const d of due) {
    if (done.has(d.key)) continue;
    if (budget.left < 1 || deps.signal?.aborted) break;
    const scope = scopeOf(d, due, done);
    budget.left -= 1;
    try {
      await readAndRecord(deps, scope, isMember, done, result);
    } catch (err) {
      if (!refusedBySlack(err) || deps.signal?.aborted) {
        if (!deps.signal?.aborted) result.error = err;
        break;
      }
      for (const o of scope) {
        result.skipped.push({ subject: o.key, error: err });
        done.add(o.key);
      }
    }
    if (scope.some((o) => !done.has(o.key))) break;
  }
  result.calls = budgetCalls - budget.left;
  result.left = due.filter((d) => !done.has(d.key)).length;
  await saveLastReads(deps.store, [...done], plan.nowMs).catch((err: unknown) => void (result.error ??= err));
  return result;
}
