/** Seeded generators of hostile text for the Slack fuzz tests. */

export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  '<!channel>', '<!here|here>', '@here', '@channel', '@everyone', '<http://evil.example|click>', '<@U123>', '<#C123>',
  '&', '&amp;', '&lt;', '<', '>', '|', '*bold*', '_it_', '```', '`', '~', '\n', '\t', '\r\n', '\u0000', '\u0007', '\u001b[31m',
  '😀', '👩‍👩‍👧‍👦', '🇪🇺', '\uD83D', '\uDE00', 'é', 'ñ', '漢字', 'עברית', '\u202E', '\u200B', 'https://example.com/a?b=1&c=<2>',
];

/** A string of about `length` UTF-16 units mixing hostile pieces with random code points. */
export function hostileText(rand: () => number, length: number): string {
  const parts: string[] = [];
  for (let n = 0; n < length;) {
    const r = rand();
    const part = r < 0.35 ? PIECES[Math.floor(rand() * PIECES.length)]
      : r < 0.5 ? String.fromCodePoint(0x1f300 + Math.floor(rand() * 0x300))
        : r < 0.6 ? String.fromCharCode(Math.floor(rand() * 0xffff))
          : 'abcdefghij klmnop '.charAt(Math.floor(rand() * 18));
    parts.push(part);
    n += part.length;
  }
  return parts.join('');
}

/** Every text string inside Block Kit blocks. */
export function textsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(textsOf);
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return [...(typeof o.text === 'string' ? [o.text] : []), ...Object.entries(o).filter(([k]) => k !== 'text' || typeof o.text !== 'string').flatMap(([, v]) => textsOf(v))];
  }
  return [];
}

/** Problems a posted mrkdwn text would cause: mentions, broadcasts, links other than `allowedHrefs`. */
export function unsafeParts(text: string, allowedHrefs: string[]): string[] {
  const problems: string[] = [];
  if (text.includes('<!')) problems.push('special mention <!…>');
  if (/@(here|channel|everyone)\b/i.test(text)) problems.push('bare broadcast');
  for (const m of text.matchAll(/<([^<>]*)>?/g)) {
    const href = m[1].split('|')[0];
    if (!m[0].endsWith('>') || !allowedHrefs.includes(href)) problems.push(`link or mention ${m[0].slice(0, 60)}`);
  }
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text)) problems.push('lone surrogate');
  return problems;
}
