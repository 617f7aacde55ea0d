/**
 * Correctly rounded decimal → double for the 16–17-digit values Go prints (the shortest strings
 * that read back), without building a string for Number(). The digits are an exact double-double
 * (hi · 10^8 + lo), divided by 10^k once; the exact residual m − q·10^k (Dekker's product) says
 * whether q or a neighbour is nearest. Where the residual is within 2^-30 of a tie, or the result
 * is subnormal or a power of two, it answers NaN and the caller uses Number() instead.
 */

/** Powers of ten that are exact doubles (10^0 … 10^22). */
export const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

const SPLITTER = 134_217_729; // 2^27 + 1
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // index of the high word

/** a·b − p exactly, for p = fl(a·b) (Dekker's product; no overflow for |a| ≤ 1e17, |b| ≤ 1e22). */
function productError(a: number, b: number, p: number): number {
  const ca = SPLITTER * a;
  const ah = ca - (ca - a);
  const al = a - ah;
  const cb = SPLITTER * b;
  const bh = cb - (cb - b);
  const bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/**
 * The double nearest to (hi · 10^8 + lo) / 10^k, for 0 ≤ hi < 10^9, 0 ≤ lo < 10^8 integers and
 * 0 ≤ k ≤ 22; NaN where it cannot decide cheaply (the caller then parses the text).
 */
export function decimalToDouble(hi: number, lo: number, k: number): number {
  return decimalToDoubleInto(hi, lo, k, SCRATCH, 0) ? SCRATCH[0] : NaN;
}

const SCRATCH = new Float64Array(1);

/**
 * decimalToDouble written to out[at], true if decided (out untouched if not). A double returned
 * from a call V8 does not inline is boxed, a heap number per sample on the parser's hot path.
 */
export function decimalToDoubleInto(hi: number, lo: number, k: number, out: Float64Array, at: number): boolean {
  const p = hi * 1e8; // exact: hi · 5^8 < 2^49, times 2^8
  const s = p + lo;
  const bb = s - p;
  const e = (p - (s - bb)) + (lo - bb); // s + e = m exactly (TwoSum)
  const d = POW10[k];
  const q = s / d;
  const ph = q * d;
  const r = (s - ph) + (e - productError(q, d, ph)); // m − q·d; s − ph is exact (Sterbenz)
  f64[0] = q;
  const w = u32[HI];
  const exp = (w >>> 20) & 0x7ff;
  if (exp < 128 || exp === 0x7ff || ((w & 0xfffff) === 0 && u32[1 - HI] === 0)) return false;
  u32[HI] = (exp - 52) << 20;
  u32[1 - HI] = 0;
  const ulp = f64[0]; // 2^(exp − 1075), the spacing of doubles at q
  const half = d * ulp * 0.5; // exact: a power of two times 10^k
  const margin = half * 2 ** -30; // r is exact to ~2^-50 of half
  const a = r < 0 ? -r : r;
  if (a < half - margin) { out[at] = q; return true; }
  if (a > half + margin && a < 3 * half - margin) { out[at] = r > 0 ? q + ulp : q - ulp; return true; }
  return false;
}
