import { escapeSlackText, neutralisePlainText, sanitizeText, truncateMrkdwn, truncatePlain } from './escape-slack-text.js';
import { link } from './link.js';

// Type aliases rather than interfaces: blocks must stay assignable to `Record<string, unknown>`.
export type PlainText = { type: 'plain_text'; text: string; emoji?: boolean };
export type Mrkdwn = { type: 'mrkdwn'; text: string };
export type HeaderBlock = { type: 'header'; text: PlainText };
export type SectionBlock = { type: 'section'; text?: Mrkdwn | PlainText; fields?: (Mrkdwn | PlainText)[] };
export type ContextBlock = { type: 'context'; elements: (Mrkdwn | PlainText)[] };
export type DividerBlock = { type: 'divider' };
export type SlackBlock = HeaderBlock | SectionBlock | ContextBlock | DividerBlock;

/** Slack's documented limits, in UTF-16 units (never fewer than Slack's own count). */
export const SLACK_LIMITS = {
  blocks: 50,
  headerChars: 150,
  sectionChars: 3000,
  fields: 10,
  fieldChars: 2000,
  contextElements: 10,
  contextChars: 3000,
  messageTextChars: 40_000,
} as const;

const EMPTY = '—';

/** The suffix that replaces cut-off text, pointing at the full document when there is one. */
export function truncationSuffix(docUrl?: string): string {
  return docUrl ? `… (truncated — full text in the document: ${link(docUrl, 'open the document')})` : '… (truncated)';
}

/** Mrkdwn that fits `max`; empty text becomes a dash (Slack rejects empty text objects). */
export function fitMrkdwn(text: string, max: number, docUrl?: string): string {
  const clean = sanitizeText(text);
  return clean.trim() ? truncateMrkdwn(clean, max, truncationSuffix(docUrl)) : EMPTY;
}

/** Plain text on one line, neutralised, cut to `max` with `…`; never empty. */
export function fitPlainText(text: string, max: number): string {
  return truncatePlain(neutralisePlainText(text).replace(/\s+/g, ' ').trim() || EMPTY, max);
}

/** Header block from data: plain text on one line, at most 150 characters (cut with `…`). */
export function header(text: string): HeaderBlock {
  return { type: 'header', text: { type: 'plain_text', text: fitPlainText(text, SLACK_LIMITS.headerChars), emoji: true } };
}

/** Section with mrkdwn (escape data with `escapeSlackText`); cut at 3,000 characters with a link to `docUrl`. */
export function section(mrkdwn: string, opts: { docUrl?: string } = {}): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: fitMrkdwn(mrkdwn, SLACK_LIMITS.sectionChars, opts.docUrl) } };
}

/**
 * Section of `*label*\nvalue` fields: labels are data (escaped), values are mrkdwn. At most 10 fields
 * (the 10th says how many were left out), each at most 2,000 characters.
 */
export function fields(pairs: readonly (readonly [label: string, valueMrkdwn: string])[], opts: { docUrl?: string } = {}): SectionBlock {
  const max = SLACK_LIMITS.fields;
  const shown = pairs.length > max ? pairs.slice(0, max - 1) : pairs;
  const texts = shown.map(([label, value]) => `*${escapeSlackText(label.replace(/\*/g, ''))}*\n${value}`);
  if (pairs.length > max) texts.push(`_… and ${pairs.length - shown.length} more_`);
  if (texts.length === 0) texts.push(EMPTY);
  return { type: 'section', fields: texts.map((t) => ({ type: 'mrkdwn', text: fitMrkdwn(t, SLACK_LIMITS.fieldChars, opts.docUrl) })) };
}

/** Context block of mrkdwn elements (small grey text): at most 10 elements of 3,000 characters. */
export function context(...mrkdwn: string[]): ContextBlock {
  const max = SLACK_LIMITS.contextElements;
  const shown = mrkdwn.length > max ? [...mrkdwn.slice(0, max - 1), mrkdwn.slice(max - 1).join(' · ')] : mrkdwn;
  const elements = (shown.length ? shown : [EMPTY]).map((t): Mrkdwn => ({ type: 'mrkdwn', text: fitMrkdwn(t, SLACK_LIMITS.contextChars) }));
  return { type: 'context', elements };
}

export function divider(): DividerBlock {
  return { type: 'divider' };
}
