/**
 * Number tokens for the grounding check: integers, decimals, percentages, durations (`5m`, `850 ms`),
 * versions (`1.11.3`, `v1.30.2`) and clock times (`14:05`), each with its unit: the letters written
 * right after it, or a known unit word after a space (`850 seconds`, `42 clusters`).
 */
export interface NumberToken {
  /** As written, lower-cased, without a leading `v`: `97.2%`, `5m`, `850 seconds`, `1.11.3`, `14:05`. */
  raw: string;
  /** Canonical value: a decimal number (`0.5`, `5`), for versions the dotted string, for times `HH:MM[:SS]`. */
  value: string;
  /** Canonical unit (`ms`, `s`, `m`, `h`, `d`, `%`, `clusters`, …), other attached letters as written, `time`, or ''. */
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
const TIME = String.raw`(?<![\d.:])([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?(?![\d:])`;
const NUMBER = String.raw`(?<![\w.])v?(\d+(?:\.\d+)*)(?:([a-z%µ]+)|([ \t\u00a0\u202f]+)(${UNIT_ALT})(?![\w%]))?`;
const TOKEN = new RegExp(`${TIME}|${NUMBER}`, 'gi');

const canonicalUnit = (unit: string): string => CANONICAL.get(unit) ?? unit;
const timeValue = (hh: string, mm: string, ss = '00'): string => `${hh.padStart(2, '0')}:${mm}${ss === '00' ? '' : `:${ss}`}`;

export function numberTokens(text: string): NumberToken[] {
  return [...text.matchAll(TOKEN)].map((m) => {
    if (m[1] !== undefined) return { raw: m[0].toLowerCase(), value: timeValue(m[1], m[2], m[3]), unit: 'time' };
    const digits = m[4];
    const written = (m[5] ?? m[7] ?? '').toLowerCase();
    const isVersion = (digits.match(/\./g) ?? []).length > 1;
    return { raw: `${digits}${m[6] ? ' ' : ''}${written}`, value: isVersion ? digits : String(Number(digits)), unit: canonicalUnit(written) };
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

  /** A UTC clock time, as a whole `HH:MM[:SS]` token: never its hour or minute alone. */
  addTime(ms: number): this {
    const [hh, mm, ss] = new Date(ms).toISOString().slice(11, 19).split(':');
    this.textTokens.add(`${timeValue(hh, mm, ss)}|time`);
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
