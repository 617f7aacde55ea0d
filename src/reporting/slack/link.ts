import { escapeSlackText } from './escape-slack-text.js';

const ALLOWED_PROTOCOLS = new Set(['http:', 'https:', 'file:']);

/** The URL in the form Slack's `<url|label>` syntax can carry, or undefined when it is not http(s)/file. */
export function safeLinkUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (!ALLOWED_PROTOCOLS.has(parsed.protocol)) return undefined;
  // URL.href percent-encodes spaces, quotes and angle brackets; `|` would end the URL part early.
  return parsed.href.replace(/\|/g, '%7C').replace(/&/g, '&amp;');
}

/**
 * A mrkdwn link `<url|label>` with the label escaped as data. An invalid URL or another scheme
 * (`javascript:`, `slack:`) yields the escaped label alone, so data can never become a link.
 */
export function link(url: string, label: string): string {
  const href = safeLinkUrl(url);
  const text = escapeSlackText(label.replace(/\s+/g, ' ').trim());
  if (!href) return text;
  return `<${href}|${text || href}>`;
}
