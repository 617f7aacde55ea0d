const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// C0/C1 controls except tab and newline, plus DEL: Slack shows them as garbage or rejects the request.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
const BROADCAST = /@(?=here|channel|everyone)/gi; // also `@herein`: a later cut could leave `@here`
const WORD_JOINER = '\u2060';
// Slack auto-links a bare `https://…` in mrkdwn; a word joiner after the scheme stops that and is invisible.
const URL_SCHEME = /\b([a-z][a-z\d+.-]*)(?=:\/\/)/gi;

/**
 * Make any string safe to send: lone surrogates become U+FFFD (they cannot be form-encoded as UTF-8)
 * and control characters other than tab and newline are dropped. `\r` is dropped too.
 */
export function sanitizeText(s: string): string {
  return wellFormedText(String(s)).replace(CONTROL, '');
}

/** Lone surrogates (half a character left by a cut) become U+FFFD, as UTF-8 encoders and databases store them. */
export function wellFormedText(s: string): string {
  return s.replace(LONE_SURROGATE, '\uFFFD');
}

/**
 * Escape untrusted data for Slack mrkdwn: `&`, `<`, `>` become entities, so data can neither mention
 * (`<!channel>`, `<@U…>`) nor forge a link (`<http://evil|click>`); `@here`/`@channel`/`@everyone` (as prefixes)
 * get a word joiner after the `@` so Slack's automatic mention parsing cannot fire either; so does the
 * scheme of a bare URL (`https\u2060://…`), so a URL in a log line is not turned into a link. Links
 * fleetops builds itself go through `link()`, whose URL part is not escaped.
 */
export function escapeSlackText(s: string): string {
  return sanitizeText(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(BROADCAST, `@${WORD_JOINER}`)
    .replace(URL_SCHEME, `$1${WORD_JOINER}`);
}

/**
 * Untrusted data for a `plain_text` object (headers, and fallback text built from them). Slack does
 * not parse plain text, but the same string often ends up in the notification text, which it does
 * parse: angle brackets become their full-width look-alikes and broadcasts get a word joiner.
 */
export function neutralisePlainText(s: string): string {
  return sanitizeText(s).replace(/</g, '\uFF1C').replace(/>/g, '\uFF1E').replace(BROADCAST, `@${WORD_JOINER}`);
}

/** Largest cut ≤ `at` that does not split a surrogate pair. */
export function safeCut(s: string, at: number): number {
  if (at <= 0) return 0;
  if (at >= s.length) return s.length;
  const code = s.charCodeAt(at - 1);
  return code >= 0xd800 && code <= 0xdbff ? at - 1 : at;
}

/** Plain text cut to `max` UTF-16 units with a trailing `…`, never splitting a surrogate pair. */
export function truncatePlain(s: string, max: number): string {
  if (s.length <= max) return s;
  return `${s.slice(0, safeCut(s, max - 1))}…`;
}

/**
 * Mrkdwn cut to `max` UTF-16 units including `suffix`, never inside a surrogate pair, an entity
 * (`&amp;`) or a link/mention (`<…>`); an open code fence is closed before the suffix.
 */
export function truncateMrkdwn(s: string, max: number, suffix: string): string {
  if (s.length <= max) return s;
  const budget = Math.max(0, max - suffix.length - 3);
  let cut = safeCut(s, budget);
  const lt = s.lastIndexOf('<', cut - 1);
  if (lt > s.lastIndexOf('>', cut - 1)) cut = lt;
  const amp = s.lastIndexOf('&', cut - 1);
  if (amp >= 0 && cut - amp < 6 && !s.slice(amp, cut).includes(';')) cut = amp;
  let kept = s.slice(0, cut);
  if ((kept.match(/```/g)?.length ?? 0) % 2 === 1) kept += '```';
  return `${kept}${suffix}`.slice(0, safeCut(`${kept}${suffix}`, max));
}
