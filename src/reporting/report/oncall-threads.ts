/**
 * On-call channel threads (pure): who answered, whether and how the thread was resolved, and the
 * open investigations to hand off. Reactions carry no timestamp in Slack, so a thread resolved by
 * reaction has no time to resolve; a "resolved" reply does.
 */
import type { ChatMessage } from '../../adapters/chat/types.js';
import { median } from './alert-analytics.js';
import { compareText } from '../../core/compare-text.js';

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
  /** A person posted it or replied in it (a bot's alert post nobody answered is not an investigation). */
  human: boolean;
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
  return new RegExp(`\\b(un)?(?:${alt})\\b`, 'gi');
}

/** Negations that, a few words before the resolution word in the same clause, say the opposite. */
const NEGATION = /^(?:not|no|never|nor|neither|nothing|cannot|isnt|wasnt|arent|werent|hasnt|havent|hadnt|dont|doesnt|didnt|wont|cant|couldnt|aint|[a-z]+n't)$/;
const NEGATION_WINDOW = 4;
const CLAUSE_BREAK = /[,;:.!?()\n—–]|\s-\s/;

function negated(before: string): boolean {
  const clause = before.split(CLAUSE_BREAK).at(-1) ?? '';
  const words = clause.toLowerCase().replace(/[’‘]/g, "'").split(/\s+/).filter(Boolean).slice(-NEGATION_WINDOW);
  // "yet to be resolved" says it is not.
  return words.some((w, i) => NEGATION.test(w) || (w === 'yet' && words[i + 1] === 'to'));
}

/** A question ("is it resolved?", "fixed or not?") says nothing either way. */
function isQuestion(after: string): boolean {
  return /^[^.!?\n]*\?/.test(after);
}

/**
 * What a reply says about the thread: the last resolution word in it that is not in a question, read
 * as 'open' when negated ("not yet resolved", "never got fixed", "unresolved") and 'resolved' otherwise.
 */
function resolutionSignal(text: string, pattern: RegExp): 'resolved' | 'open' | undefined {
  let signal: 'resolved' | 'open' | undefined;
  for (const m of text.matchAll(pattern)) {
    const end = m.index + m[0].length;
    if (isQuestion(text.slice(end))) continue;
    signal = m[1] || negated(text.slice(0, m.index)) ? 'open' : 'resolved';
  }
  return signal;
}

/** Alert names written as they are (they may hold spaces, `:` or `-`), not as part of a longer word. */
function mentioned(text: string, alertnames: readonly string[]): string[] {
  return alertnames.filter((a) => a.trim().length > 0 && new RegExp(`(?<!\\w)${a.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?!\\w)`).test(text));
}

function firstLine(text: string): string {
  const line = text.split('\n')[0].trim();
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

/** The reply holding the thread's latest resolution signal, when that signal says resolved. */
function lastResolvingReply(replies: readonly ChatMessage[], pattern: RegExp): ChatMessage | undefined {
  let last: { reply: ChatMessage; signal: 'resolved' | 'open' } | undefined;
  for (const reply of [...replies].filter(isHuman).sort((a, b) => tsMs(a.ts) - tsMs(b.ts))) {
    const signal = resolutionSignal(reply.text, pattern);
    if (signal) last = { reply, signal };
  }
  return last?.signal === 'resolved' ? last.reply : undefined;
}

export function summariseThread(parent: ChatMessage, replies: readonly ChatMessage[], rules: ThreadRules): ThreadSummary {
  const start = tsMs(parent.ts);
  const answers = replies.filter((r) => isHuman(r) && r.user !== parent.user);
  const responders = [...new Set(answers.map((r) => r.user as string))];
  const byReaction = [parent, ...replies].some((m) => m.reactions?.some((r) => r.name === rules.resolutionReaction && r.count > 0));
  const resolvingReply = lastResolvingReply(replies, resolutionPattern(rules.resolutionWords));
  const resolved = byReaction || resolvingReply !== undefined;
  // A bot's alert post nobody answered is a notification, not somebody acting on the alert.
  const human = isHuman(parent) || replies.some(isHuman);
  return {
    ts: parent.ts,
    title: firstLine(parent.text) || '(no text)',
    postedBy: parent.user,
    human,
    responders,
    replies: replies.length,
    ackMinutes: answers[0] ? Math.round((tsMs(answers[0].ts) - start) / 60_000) : undefined,
    resolved,
    resolvedBy: resolvingReply ? 'reply' : byReaction ? 'reaction' : undefined,
    resolveMinutes: resolvingReply ? Math.round((tsMs(resolvingReply.ts) - start) / 60_000) : undefined,
    alertnames: human ? [...new Set([parent, ...replies].flatMap((m) => mentioned(m.text, rules.alertnames)))] : [],
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
    // A bot's alert post nobody answered is counted as a thread but is not an investigation to hand off.
    open: threads.filter((t) => !t.resolved && t.human),
    medianAckMinutes: acks.length ? Math.round(median(acks)) : undefined,
    medianResolveMinutes: resolves.length ? Math.round(median(resolves)) : undefined,
    responders: [...counts].map(([user, n]) => ({ user, threads: n })).sort((a, b) => b.threads - a.threads || compareText(a.user, b.user)),
  };
}
