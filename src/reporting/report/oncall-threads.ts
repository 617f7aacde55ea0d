/**
 * On-call channel threads (pure): who answered, whether and how the thread was resolved, and the
 * open investigations to hand off. Reactions carry no timestamp in Slack, so a thread resolved by
 * reaction has no time to resolve; a "resolved" reply does.
 */
import type { ChatMessage } from '../../adapters/chat/types.js';
import { median } from './alert-analytics.js';

export interface ThreadRules {
  resolutionReaction: string;
  resolutionWords: readonly string[];
  /** Alert names to look for in thread texts (which alerts somebody acted on). */
  alertnames: readonly string[];
}

export interface ThreadSummary {
  ts: string;
  title: string;
  postedBy?: string;
  /** People (not bots) other than the poster who replied, in order of first reply. */
  responders: string[];
  replies: number;
  /** Minutes from the parent to the first human reply by someone else. */
  ackMinutes?: number;
  resolved: boolean;
  resolvedBy?: 'reaction' | 'reply';
  resolveMinutes?: number;
  alertnames: string[];
  permalink?: string;
}

export interface ThreadFigures {
  total: number;
  resolved: number;
  open: ThreadSummary[];
  medianAckMinutes?: number;
  medianResolveMinutes?: number;
  /** Threads each person replied in, most first. */
  responders: { user: string; threads: number }[];
}

const tsMs = (ts: string) => Math.round(Number(ts) * 1000);
const isHuman = (m: ChatMessage) => !m.botId && !m.subtype && m.user !== undefined;

function resolutionPattern(words: readonly string[]): RegExp {
  const alt = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  // "not resolved", "unresolved" and "isn't fixed" do not count.
  return new RegExp(`(?<!\\b(?:not|isn't|isnt|never|un)\\s?)\\b(?:${alt})\\b`, 'i');
}

function mentioned(text: string, alertnames: readonly string[]): string[] {
  return alertnames.filter((a) => new RegExp(`\\b${a.replace(/[^\w]/g, '')}\\b`).test(text));
}

function firstLine(text: string): string {
  const line = text.split('\n')[0].trim();
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

export function summariseThread(parent: ChatMessage, replies: readonly ChatMessage[], rules: ThreadRules): ThreadSummary {
  const start = tsMs(parent.ts);
  const answers = replies.filter((r) => isHuman(r) && r.user !== parent.user);
  const responders = [...new Set(answers.map((r) => r.user as string))];
  const pattern = resolutionPattern(rules.resolutionWords);
  const byReaction = [parent, ...replies].some((m) => m.reactions?.some((r) => r.name === rules.resolutionReaction && r.count > 0));
  const resolvingReply = replies.find((r) => isHuman(r) && pattern.test(r.text));
  const resolved = byReaction || resolvingReply !== undefined;
  return {
    ts: parent.ts,
    title: firstLine(parent.text) || '(no text)',
    postedBy: parent.user,
    responders,
    replies: replies.length,
    ackMinutes: answers[0] ? Math.round((tsMs(answers[0].ts) - start) / 60_000) : undefined,
    resolved,
    resolvedBy: resolvingReply ? 'reply' : byReaction ? 'reaction' : undefined,
    resolveMinutes: resolvingReply ? Math.round((tsMs(resolvingReply.ts) - start) / 60_000) : undefined,
    alertnames: [...new Set([parent, ...replies].flatMap((m) => mentioned(m.text, rules.alertnames)))],
  };
}

export function threadFigures(threads: readonly ThreadSummary[]): ThreadFigures {
  const acks = threads.flatMap((t) => (t.ackMinutes === undefined ? [] : [t.ackMinutes]));
  const resolves = threads.flatMap((t) => (t.resolveMinutes === undefined ? [] : [t.resolveMinutes]));
  const counts = new Map<string, number>();
  for (const t of threads) for (const u of t.responders) counts.set(u, (counts.get(u) ?? 0) + 1);
  return {
    total: threads.length,
    resolved: threads.filter((t) => t.resolved).length,
    open: threads.filter((t) => !t.resolved),
    medianAckMinutes: acks.length ? Math.round(median(acks)) : undefined,
    medianResolveMinutes: resolves.length ? Math.round(median(resolves)) : undefined,
    responders: [...counts].map(([user, n]) => ({ user, threads: n })).sort((a, b) => b.threads - a.threads || a.user.localeCompare(b.user)),
  };
}
