/**
 * Number tokens for the grounding check: integers, decimals, percentages, durations (`5m`, `850 ms`),
 * versions (`1.11.3`, `v1.30.2`), clock times (`14:05`) and dates (`2026-11-29`), each with its unit:
 * the letters written right after it, or a known unit word after a space (`850 seconds`, `42 clusters`).
 * `1,200` is one number; a date is one token, so its month and day never ground a count.
 */
export interface NumberToken {
  /** As written, lower-cased, without a leading `v`: `97.2%`, `5m`, `850 seconds`, `1.11.3`, `14:05`, `2026-11-29`. */
  raw: string;
  /** Canonical value: a decimal number (`0.5`, `5`), for versions the dotted string, for times `HH:MM[:SS]`, for dates `YYYY-MM-DD`. */
  value: string;
  /** Canonical unit (`ms`, `s`, `m`, `h`, `d`, `%`, `clusters`, …), other attached letters as written, `time`, `date`, or ''. */
  unit: string;
}

const UNIT_WORDS: Record<string, string[]> = {
  µs: ['µs', 'us', 'microsecond', 'microseconds'],
  ms: ['ms', 'msec', 'msecs', 'millisecond', 'milliseconds'],
  s: ['s', 'sec', 'secs', 'second', 'seconds'],
  m: ['m', 'min', 'mins', 'minute', 'minutes'],
  h: ['h', 'hr', 'hrs', 'hour', 'hours'],
  d: ['d', 'day', 'days'],
  w: ['w', 'wk', 'wks', 'week', 'weeks'],
  '%': ['%', 'percent', 'pct'],
  clusters: ['cluster', 'clusters'],
  pods: ['pod', 'pods'],
  nodes: ['node', 'nodes'],
};
const CANONICAL = new Map(Object.entries(UNIT_WORDS).flatMap(([unit, words]) => words.map((w) => [w, unit] as const)));
/** Counts of things: an evidence number written without a unit may ground them (`42 affected clusters`). */
const COUNT_UNITS = new Set(['clusters', 'pods', 'nodes']);

const UNIT_ALT = [...CANONICAL.keys()].sort((a, b) => b.length - a.length).join('|');
// an ISO date-time (`2026-11-29T14:05:00Z`) is a date token, then a time token
const DATE = String.raw`(?<![\w.:-])(\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]))(?![\d-])`;
const TIME = String.raw`(?<![\d.:])([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?(?![\d:])`;
const NUMBER = String.raw`(?<![\w.])v?(\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d|,\d)|\d+(?:\.\d+)*)(?:([a-z%µ]+)|([ \t\u00a0\u202f]+)(${UNIT_ALT})(?![\w%]))?`;
const TOKEN = new RegExp(`${DATE}|${TIME}|${NUMBER}`, 'gi');

const canonicalUnit = (unit: string): string => CANONICAL.get(unit) ?? unit;
const timeValue = (hh: string, mm: string, ss = '00'): string => `${hh.padStart(2, '0')}:${mm}${ss === '00' ? '' : `:${ss}`}`;

export function numberTokens(text: string): NumberToken[] {
  return [...text.matchAll(TOKEN)].map((m) => {
    if (m[1] !== undefined) return { raw: m[1], value: m[1], unit: 'date' };
    if (m[2] !== undefined) return { raw: m[0].toLowerCase(), value: timeValue(m[2], m[3], m[4]), unit: 'time' };
    const digits = m[5];
    const written = (m[6] ?? m[8] ?? '').toLowerCase();
    const isVersion = (digits.match(/\./g) ?? []).length > 1;
    return { raw: `${digits}${m[7] ? ' ' : ''}${written}`, value: isVersion ? digits : String(Number(digits.replace(/,/g, ''))), unit: canonicalUnit(written) };
  });
}

/** Words of a JSON key: `p99LatencyMs` → p99, latency, ms; `servfail_pct` → servfail, pct. */
function keyWords(key: string): string[] {
  return key.replace(/([a-z\d])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z\d%µ]+/).filter(Boolean);
}

/**
 * Units a number under `key` may be written with: the unit its suffix names (`latencyMs` → ms,
 * `waitSeconds`/`waitS` → s, `errorPct` → %), a spelled-out unit anywhere in it (`minutesBeforeOnset`,
 * `clustersAffected`), and for a ratio the percentage (`servfailRatio: 0.125` → 12.5%).
 */
function keyUnits(key: string | undefined, value: number): Array<[string, string]> {
  const words = key ? keyWords(key) : [];
  const last = words.at(-1);
  const out: Array<[string, string]> = [];
  if (last && CANONICAL.has(last)) out.push([String(value), canonicalUnit(last)]);
  for (const w of words) if (CANONICAL.has(w) && (w.length > 3 || COUNT_UNITS.has(canonicalUnit(w)))) out.push([String(value), canonicalUnit(w)]);
  if (last === 'ratio' || last === 'fraction') out.push([String(Number((value * 100).toPrecision(12))), '%']);
  return out;
}

/**
 * The tokens a piece of evidence offers. Text tokens match on value and unit; a number in
 * structured data matches a token without a unit, or one whose unit its key names.
 */
export class NumberPool {
  private readonly textTokens = new Set<string>();
  private readonly dataValues = new Set<string>();
  private readonly dataWithUnit = new Set<string>();

  addText(text: string): this {
    for (const t of numberTokens(text)) this.textTokens.add(`${t.value}|${t.unit}`);
    return this;
  }

  /** A UTC date and clock time, as whole `YYYY-MM-DD` and `HH:MM[:SS]` tokens: never a part alone. */
  addTime(ms: number): this {
    const iso = new Date(ms).toISOString();
    const [hh, mm, ss] = iso.slice(11, 19).split(':');
    this.textTokens.add(`${timeValue(hh, mm, ss)}|time`).add(`${iso.slice(0, 10)}|date`);
    return this;
  }

  addData(value: unknown, key?: string): this {
    if (typeof value === 'number' && Number.isFinite(value)) {
      this.dataValues.add(String(value));
      for (const [v, unit] of keyUnits(key, value)) this.dataWithUnit.add(`${v}|${unit}`);
    } else if (typeof value === 'string') this.addText(value);
    else if (Array.isArray(value)) value.forEach((v) => this.addData(v, key));
    else if (value && typeof value === 'object') Object.entries(value).forEach(([k, v]) => this.addData(v, k));
    return this;
  }

  has(t: NumberToken): boolean {
    if (this.textTokens.has(`${t.value}|${t.unit}`)) return true;
    if (t.unit === '') return this.dataValues.has(t.value) || [...COUNT_UNITS].some((u) => this.textTokens.has(`${t.value}|${u}`));
    if (COUNT_UNITS.has(t.unit) && this.textTokens.has(`${t.value}|`)) return true;
    return this.dataWithUnit.has(`${t.value}|${t.unit}`);
  }
}

const UNITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const SCALES: Record<string, number> = { hundred: 100, thousand: 1000, million: 1_000_000 };
const WORD_ALT = [...UNITS, ...TENS.filter(Boolean), ...Object.keys(SCALES)].join('|');
const NUMBER_WORDS = new RegExp(String.raw`\b(?:${WORD_ALT})(?:[\s-]+(?:${WORD_ALT}))*\b`, 'gi');

/** The value of a run of number words: "forty-two" 42, "two hundred" 200, "three thousand five hundred" 3500. */
function wordsValue(run: string): number {
  let total = 0;
  let current = 0;
  for (const w of run.toLowerCase().split(/[\s-]+/)) {
    if (UNITS.includes(w)) current += UNITS.indexOf(w);
    else if (TENS.includes(w)) current += TENS.indexOf(w) * 10;
    else if (w === 'hundred') current = Math.max(current, 1) * 100;
    else { total += Math.max(current, 1) * SCALES[w]; current = 0; }
  }
  return total + current;
}

/** Numbers written out in words ("forty-two clusters") as bare-number tokens, as the weekly report's check reads them. */
export function spelledNumberTokens(text: string): NumberToken[] {
  return [...text.matchAll(NUMBER_WORDS)].map((m) => ({ raw: m[0].toLowerCase(), value: String(wordsValue(m[0])), unit: '' }));
}
