/** Small formatters shared by the digest's document and Slack renderers. */

export function utcTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function pct(fraction: number | undefined, digits = 2): string {
  return fraction === undefined ? '—' : `${(fraction * 100).toFixed(digits)}%`;
}

/** Whitespace runs (newlines too) become one space: tables and bullets stay one line. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Cut to `max` characters with `…`, never splitting a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let at = max - 1;
  const code = text.charCodeAt(at - 1);
  if (code >= 0xd800 && code <= 0xdbff) at -= 1;
  return `${text.slice(0, at)}…`;
}

/** Anchor of a group's section in the document, so Slack replies can link straight to it. */
export function groupAnchor(groupId: string): string {
  return `group-${groupId.replace(/[^a-zA-Z0-9_-]+/g, '-')}`.slice(0, 80);
}

export function groupDocUrl(docUrl: string, groupId: string): string {
  return docUrl ? `${docUrl.split('#')[0]}#${groupAnchor(groupId)}` : '';
}

export function verdictLabel(verdict: 'root-cause' | 'inconclusive'): string {
  return verdict === 'root-cause' ? 'root cause found' : 'inconclusive — needs a human';
}

/** `logs, events not configured: not checked`, for sources of kind none (the RCA read nothing from them); undefined when all were read. */
export function notCheckedText(notConfigured: readonly string[] | undefined): string | undefined {
  return notConfigured?.length ? `${notConfigured.join(', ')} not configured: not checked` : undefined;
}
