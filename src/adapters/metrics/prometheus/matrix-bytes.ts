/**
 * A JSON reader for Prometheus answers that works on the body's bytes: the `values` arrays of a
 * range answer go straight into grid-aligned Float64Arrays, with no string for the whole body, no
 * object per sample and no string per value. On a 100-cluster scan the text decode, JSON.parse and
 * per-sample walk were the client's largest costs after the network itself.
 * Everything else (envelope, labels, warnings) is read as ordinary JSON values.
 */
import { badSample, gridIndex, parseSampleValue, type QueryGrid } from './decode-matrix.js';
import { decimalToDoubleInto, POW10 } from './decimal-to-double.js';

export class JsonSyntaxError extends Error {}

const MAX_FAST_MANTISSA = 2 ** 53;

/**
 * Parse `body` as JSON; every array under a key `values` whose first element is an array is read
 * as `[[tsSeconds, "value"], …]` into a Float64Array on `grid` (NaN where no sample).
 */
export function parseAnswerBytes(body: Uint8Array, grid: QueryGrid): unknown {
  const r = new ByteReader(body, grid);
  const v = r.value();
  r.ws();
  if (r.i !== body.length) r.fail('unexpected data after the JSON value');
  return v;
}

class ByteReader {
  i = 0;
  /**
   * The sample's time travels in a field and its value is written straight into its array: as
   * return values of calls V8 does not inline, both were boxed, a heap number per sample (3 MB per
   * 100-cluster scan, ~10 % of the scan's garbage).
   */
  private tMs = 0.5;
  /** Where the value of a sample off the grid goes. */
  private readonly offGrid = new Float64Array(1);
  private readonly buf: Buffer;
  constructor(private readonly b: Uint8Array, private readonly grid: QueryGrid) {
    this.buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  }

  fail(what: string): never {
    throw new JsonSyntaxError(`${what} at byte ${this.i}`);
  }

  ws(): void {
    const b = this.b;
    let c = b[this.i];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++this.i];
  }

  value(): unknown {
    this.ws();
    const c = this.b[this.i];
    if (c === 0x7b) return this.object();
    if (c === 0x5b) return this.array();
    if (c === 0x22) return this.string();
    if (c === 0x74) return this.literal('true', true);
    if (c === 0x66) return this.literal('false', false);
    if (c === 0x6e) return this.literal('null', null);
    return this.number();
  }

  private object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.i++;
    this.ws();
    if (this.b[this.i] === 0x7d) { this.i++; return out; }
    for (;;) {
      this.ws();
      if (this.b[this.i] !== 0x22) this.fail('expected a key');
      const key = this.string();
      this.ws();
      if (this.b[this.i++] !== 0x3a) this.fail('expected ":"');
      this.ws();
      const v = key === 'values' && this.startsSampleArray() ? this.samples() : this.value();
      // an own property, as JSON.parse makes it: `out.__proto__ = …` would set the prototype instead
      if (key === '__proto__') Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      else out[key] = v;
      this.ws();
      const c = this.b[this.i++];
      if (c === 0x7d) return out;
      if (c !== 0x2c) this.fail('expected "," or "}"');
    }
  }

  private array(): unknown[] {
    const out: unknown[] = [];
    this.i++;
    this.ws();
    if (this.b[this.i] === 0x5d) { this.i++; return out; }
    for (;;) {
      out.push(this.value());
      this.ws();
      const c = this.b[this.i++];
      if (c === 0x5d) return out;
      if (c !== 0x2c) this.fail('expected "," or "]"');
    }
  }

  private string(): string {
    const b = this.b;
    const start = ++this.i;
    let escaped = false;
    for (;;) {
      const c = b[this.i];
      if (c === undefined) this.fail('unterminated string');
      if (c === 0x22) break;
      if (c === 0x5c) { escaped = true; this.i++; }
      this.i++;
    }
    const end = this.i++;
    // escapes are rare in labels: let JSON.parse apply the exact rules to that one string
    return escaped ? (JSON.parse(this.buf.toString('utf8', start - 1, end + 1)) as string) : this.buf.toString('utf8', start, end);
  }

  private literal(word: string, v: boolean | null): boolean | null {
    if (this.buf.toString('latin1', this.i, this.i + word.length) !== word) this.fail('unexpected token');
    this.i += word.length;
    return v;
  }

  private number(): number {
    const start = this.i;
    const b = this.b;
    let c = b[this.i];
    while ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45) c = b[++this.i];
    if (this.i === start) this.fail('unexpected token');
    const v = Number(this.buf.toString('latin1', start, this.i));
    if (Number.isNaN(v)) { this.i = start; this.fail('malformed number'); }
    return v;
  }

  /** At `[` followed (after whitespace) by `[`: a matrix sample list. */
  private startsSampleArray(): boolean {
    if (this.b[this.i] !== 0x5b) return false;
    let j = this.i + 1;
    while (this.b[j] === 0x20 || this.b[j] === 0x0a || this.b[j] === 0x0d || this.b[j] === 0x09) j++;
    return this.b[j] === 0x5b;
  }

  /** `[[ts, "v"], …]` into the grid; samples off the grid are dropped, as decodeValues does. */
  private samples(): Float64Array {
    const out = new Float64Array(this.grid.n).fill(NaN);
    this.i++;
    for (;;) {
      this.ws();
      if (this.b[this.i++] !== 0x5b) this.sampleFail();
      this.ws();
      this.timestampMs();
      this.ws();
      if (this.b[this.i++] !== 0x2c) this.sampleFail();
      this.ws();
      if (this.b[this.i] !== 0x22) this.sampleFail();
      const idx = gridIndex(this.tMs, this.grid);
      if (idx >= 0) this.sampleValue(out, idx);
      else this.sampleValue(this.offGrid, 0);
      this.ws();
      if (this.b[this.i++] !== 0x5d) this.sampleFail();
      this.ws();
      const c = this.b[this.i++];
      if (c === 0x5d) return out;
      if (c !== 0x2c) this.fail('expected "," or "]"');
    }
  }

  private sampleFail(): never {
    // a body cut off inside a sample is a truncated answer, not a malformed one
    if (this.i >= this.b.length) throw new JsonSyntaxError('unexpected end of data inside a sample');
    const from = Math.max(0, this.i - 40);
    throw badSample(this.buf.toString('utf8', from, Math.min(this.b.length, this.i + 40)));
  }

  /** Seconds with up to three decimals as exact integer milliseconds; anything else via Number. */
  private timestampMs(): void {
    const b = this.b;
    const start = this.i;
    let ms = 0;
    let c = b[this.i];
    if (c === 0x2d) { this.tMs = this.number() * 1000; return; }
    while (c >= 0x30 && c <= 0x39) { ms = ms * 10 + (c - 0x30); c = b[++this.i]; }
    ms *= 1000;
    if (c === 0x2e) {
      let scale = 100;
      c = b[++this.i];
      while (c >= 0x30 && c <= 0x39 && scale >= 1) { ms += (c - 0x30) * scale; scale /= 10; c = b[++this.i]; }
    }
    if (this.i === start) this.sampleFail();
    if ((c >= 0x30 && c <= 0x39) || c === 0x65 || c === 0x45 || c === 0x2e || c === 0x2d) {
      this.i = start;
      this.tMs = this.number() * 1000;
      return;
    }
    this.tMs = ms;
  }

  /**
   * The plain decimal from `from` to the closing quote at this.i, with ≤ 17 significant digits, as
   * decimalToDouble reads it, into out[at]; false (out untouched) if longer or undecided.
   */
  private longDecimal(from: number, decimals: number, out: Float64Array, at: number): boolean {
    const b = this.b;
    let j = from;
    while (b[j] === 0x30 || b[j] === 0x2e) j++; // leading zeros (and the point of 0.000…)
    let n = this.i - j;
    for (let t = j; t < this.i; t++) if (b[t] === 0x2e) n--;
    if (n > 17) return false;
    let hi = 0;
    let lo = 0;
    for (let left = n; j < this.i; j++) {
      const c = b[j];
      if (c === 0x2e) continue;
      if (left-- > 8) hi = hi * 10 + (c - 0x30);
      else lo = lo * 10 + (c - 0x30);
    }
    return decimalToDoubleInto(hi, lo, decimals, out, at);
  }

  /**
   * A quoted sample value, into out[at]. A plain decimal whose digits make an integer m < 2^53 (every 15-digit and
   * most 16-digit values) with ≤ 22 decimals is m / 10^k: m and 10^k are exact doubles, so the one
   * division is correctly rounded, exactly what Number() gives (Clinger's fast path); up to 17 digits
   * go through decimalToDouble; everything else (NaN, ±Inf, exponents) through parseSampleValue.
   */
  private sampleValue(out: Float64Array, at: number): void {
    const b = this.b;
    const start = ++this.i;
    let c = b[this.i];
    const negative = c === 0x2d;
    if (negative) c = b[++this.i];
    let m = 0;
    let decimals = 0;
    let any = false;
    // m only grows, so a final m < 2^53 means every step m * 10 + d was exact
    while (c >= 0x30 && c <= 0x39) { m = m * 10 + (c - 0x30); any = true; c = b[++this.i]; }
    if (c === 0x2e) {
      c = b[++this.i];
      while (c >= 0x30 && c <= 0x39) { m = m * 10 + (c - 0x30); decimals++; any = true; c = b[++this.i]; }
    }
    if (c === 0x22 && any && decimals <= 22) {
      if (m < MAX_FAST_MANTISSA) {
        this.i++;
        const v = decimals === 0 ? m : m / POW10[decimals];
        out[at] = negative ? -v : v;
        return;
      }
      if (this.longDecimal(negative ? start + 1 : start, decimals, out, at)) {
        this.i++;
        if (negative) out[at] = -out[at];
        return;
      }
    }
    // anything else (≥ 18 digits, exponents, NaN, ±Inf, a tie decimalToDouble leaves open): Number() of the text
    let plain = true;
    for (c = b[this.i]; c !== 0x22; c = b[++this.i]) {
      if (c === undefined) this.fail('unterminated string');
      if (c === 0x5c || c >= 0x80) plain = false;
      if (c === 0x5c) this.i++;
    }
    const end = this.i++;
    out[at] = plain ? parseSampleValue(this.buf.toString('latin1', start, end)) : parseSampleValue(JSON.parse(this.buf.toString('utf8', start - 1, end + 1)) as string);
  }
}
