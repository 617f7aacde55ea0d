import { sanitizeText, truncateMrkdwn } from './escape-slack-text.js';
import { link } from './link.js';
import { fitMrkdwn, fitPlainText, SLACK_LIMITS, type Mrkdwn, type PlainText, type SlackBlock } from './slack-blocks.js';

export interface FitMessageOptions {
  /** The document holding the full text; every cut points at it ('' when no document holds it: cuts say only that). */
  docUrl: string;
  /** Default 50 (Slack's limit). */
  maxBlocks?: number;
  /** Fallback text for notifications, as mrkdwn (Slack parses it: escape data); default: the first header or section text. */
  text?: string;
}

export interface FittedMessage {
  blocks: SlackBlock[];
  /** Fallback text, at most 40,000 characters. */
  text: string;
  /** True when anything was cut or dropped. */
  truncated: boolean;
}

function fitTextObject<T extends Mrkdwn | PlainText>(t: T, max: number, docUrl: string): T {
  if (t.type === 'plain_text') return { ...t, text: fitPlainText(t.text, max) };
  return { ...t, text: fitMrkdwn(t.text, max, docUrl) };
}

function fitBlock(block: SlackBlock, docUrl: string): SlackBlock {
  switch (block.type) {
    case 'header':
      return { ...block, text: { ...block.text, type: 'plain_text', text: fitPlainText(block.text.text, SLACK_LIMITS.headerChars) } };
    case 'section': {
      const fitted: SlackBlock = { ...block };
      if (block.text) fitted.text = fitTextObject(block.text, SLACK_LIMITS.sectionChars, docUrl);
      if (block.fields) fitted.fields = block.fields.slice(0, SLACK_LIMITS.fields).map((f) => fitTextObject(f, SLACK_LIMITS.fieldChars, docUrl));
      if (!fitted.text && !fitted.fields?.length) fitted.text = { type: 'mrkdwn', text: '—' };
      if (fitted.fields && fitted.fields.length === 0) delete fitted.fields;
      return fitted;
    }
    case 'context': {
      const elements = block.elements.slice(0, SLACK_LIMITS.contextElements).map((e) => fitTextObject(e, SLACK_LIMITS.contextChars, docUrl));
      return { ...block, elements: elements.length ? elements : [{ type: 'mrkdwn', text: '—' }] };
    }
    default:
      return block;
  }
}

function firstText(blocks: SlackBlock[]): string {
  for (const b of blocks) {
    if (b.type === 'header' || (b.type === 'section' && b.text)) return b.text?.text ?? '';
  }
  return '';
}

/**
 * Keep a message within Slack's limits: every block is cut to its limits, and blocks beyond
 * `maxBlocks` are replaced by a final section linking to the document. Pure; any input gives a
 * message Slack accepts.
 */
export function fitMessage(blocks: readonly SlackBlock[], opts: FitMessageOptions): FittedMessage {
  const maxBlocks = Math.max(1, Math.min(opts.maxBlocks ?? SLACK_LIMITS.blocks, SLACK_LIMITS.blocks));
  const fitted = blocks.map((b) => fitBlock(b, opts.docUrl));
  let out = fitted;
  if (fitted.length > maxBlocks) {
    const kept = fitted.slice(0, maxBlocks - 1);
    const more = fitted.length - kept.length;
    const note = `_… ${more} more block${more === 1 ? '' : 's'} not shown (truncated${opts.docUrl ? ` — full text in the document: ${link(opts.docUrl, 'open the document')}` : ''})_`;
    out = [...kept, { type: 'section', text: { type: 'mrkdwn', text: note } }];
  }
  const rawText = sanitizeText(opts.text ?? firstText(out)).trim() || 'fleetops';
  const text = truncateMrkdwn(rawText, SLACK_LIMITS.messageTextChars, '… (truncated)');
  const truncated = out !== fitted || text !== rawText || JSON.stringify(fitted) !== JSON.stringify(blocks);
  return { blocks: out, text, truncated };
}
