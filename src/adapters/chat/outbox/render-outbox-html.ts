import { escapeHtml } from '../../../reporting/render-html.js';
import type { OutboxMessage } from './index.js';

const LINK = /<((?:https?|file):[^|>\s]+)\|([^>]*)>/g;

/** Slack entities back to text, then HTML-escaped: the preview is safe whatever the sender escaped. */
function plain(text: string): string {
  const decoded = text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return escapeHtml(decoded)
    .replace(/\*([^*\n]+)\*/g, '<strong>$1</strong>')
    .replace(/`([^`\n]+)`/g, '<code>$1</code>')
    .replace(/\n/g, '<br>');
}

/** Slack mrkdwn subset → HTML: links become anchors, everything else is escaped text. */
function mrkdwn(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(LINK)) {
    out += plain(text.slice(last, m.index)) + `<a href="${escapeHtml(m[1])}">${plain(m[2])}</a>`;
    last = m.index + m[0].length;
  }
  return out + plain(text.slice(last));
}

function block(b: Record<string, unknown>): string {
  const text = (b.text as { text?: string } | undefined)?.text ?? '';
  switch (b.type) {
    case 'header': return `<h3>${escapeHtml(text)}</h3>`;
    case 'divider': return '<hr>';
    case 'context': return `<p class="ctx">${(b.elements as { text?: string }[]).map((e) => mrkdwn(e.text ?? '')).join(' · ')}</p>`;
    case 'section': {
      const fields = (b.fields as { text: string }[] | undefined)?.map((f) => `<div>${mrkdwn(f.text)}</div>`).join('') ?? '';
      return `<div class="sec">${mrkdwn(text)}${fields ? `<div class="fields">${fields}</div>` : ''}</div>`;
    }
    default: return `<pre>${escapeHtml(JSON.stringify(b))}</pre>`;
  }
}

function message(m: OutboxMessage, replies: OutboxMessage[]): string {
  const body = m.blocks?.length ? m.blocks.map(block).join('') : `<p>${mrkdwn(m.text)}</p>`;
  const thread = replies.map((r) => `<div class="reply"><b>${escapeHtml(r.user ?? r.botId ?? '?')}</b> ${r.blocks?.length ? r.blocks.map(block).join('') : mrkdwn(r.text)}</div>`).join('');
  return `<div class="msg"><span class="ts">${m.ts}</span>${body}${thread ? `<details open><summary>${replies.length} replies</summary>${thread}</details>` : ''}</div>`;
}

/** A static preview of the outbox: each channel, its top-level messages and their threads. */
export function renderOutboxHtml(channels: { channel: string; messages: OutboxMessage[] }[]): string {
  const sections = channels.map(({ channel, messages }) => {
    const top = messages.filter((m) => !m.threadTs || m.threadTs === m.ts);
    return `<h2>#${escapeHtml(channel)}</h2>${top.map((m) => message(m, messages.filter((r) => r.threadTs === m.ts && r.ts !== m.ts))).join('')}`;
  });
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>fleetops outbox</title><style>
body{font:14px/1.45 system-ui,sans-serif;max-width:900px;margin:2em auto}.msg{border:1px solid #ddd;border-radius:6px;padding:8px 12px;margin:12px 0}
.reply{border-left:3px solid #ddd;padding:4px 8px;margin:6px 0 6px 12px}.ts{color:#888;font-size:11px}.ctx{color:#666;font-size:12px}
.fields{display:grid;grid-template-columns:1fr 1fr;gap:4px}code{background:#f3f3f3}</style></head><body><h1>fleetops outbox</h1>${sections.join('')}</body></html>\n`;
}
