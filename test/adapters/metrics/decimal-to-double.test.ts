import { describe, expect, it } from 'vitest';
import { decimalToDouble } from '../../../src/adapters/metrics/prometheus/decimal-to-double.js';

/** Deterministic pseudo-random numbers (no Math.random in tests). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** The decimal text of (hi · 10^8 + lo) / 10^k. */
function text(hi: number, lo: number, k: number): string {
  const digits = (hi > 0 ? String(hi) + String(lo).padStart(8, '0') : String(lo)).padStart(k + 1, '0');
  return k === 0 ? digits : `${digits.slice(0, -k)}.${digits.slice(-k)}`;
}

/** x = n / d exactly, d a power of two (x finite, normal). */
function rational(x: number): [bigint, bigint] {
  let e = 0;
  while (!Number.isInteger(x)) { x *= 2; e++; }
  return [BigInt(x), 2n ** BigInt(e)];
}

function isPowerOfTwo(x: number): boolean {
  return x > 0 && 2 ** Math.round(Math.log2(x)) === x;
}

/** Whether m / 10^k lies exactly halfway between x and one of its neighbours (exact BigInt arithmetic). */
function isTie(m: bigint, k: number, x: number): boolean {
  const [n, d] = rational(x);
  const [hn, hd] = rational(2 ** (Math.floor(Math.log2(x)) - 53)); // half the spacing of doubles at x
  return [-1n, 1n].some((sign) => m * d * hd === (n * hd + sign * hn * d) * 10n ** BigInt(k));
}

describe('decimalToDouble', () => {
  it('gives what Number() gives for 300,000 random 16–17-digit decimals with 0–22 decimals, and NaN only for exact ties and powers of two', () => {
    const rnd = lcg(3);
    let undecided = 0;
    for (let i = 0; i < 300_000; i++) {
      const hi = Math.floor(rnd() * 1e9);
      const lo = Math.floor(rnd() * 1e8);
      const k = Math.floor(rnd() * 23);
      const v = decimalToDouble(hi, lo, k);
      const want = Number(text(hi, lo, k));
      if (Number.isNaN(v)) {
        undecided++;
        // a tie (common for integers above 2^53 and for halves at one decimal) or a power of two
        if (!isPowerOfTwo(want)) expect(isTie(BigInt(hi) * 100_000_000n + BigInt(lo), k, want), text(hi, lo, k)).toBe(true);
        continue;
      }
      if (v !== want) expect(`${text(hi, lo, k)} → ${v}`).toBe(`${text(hi, lo, k)} → ${want}`);
    }
    expect(undecided).toBeLessThan(30_000); // the rest, ~90 %, skip the string
  });

  it('reads the strings Go prints for random doubles (shortest round trip, 17 digits) back to the same doubles', () => {
    const rnd = lcg(5);
    let decided = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = rnd() * 10 ** Math.floor(rnd() * 8 - 4);
      const s = String(x);
      const m = /^(\d+)\.(\d+)$/.exec(s);
      if (!m) continue;
      const digits = (m[1] + m[2]).replace(/^0+/, '');
      if (digits.length < 16 || digits.length > 17) continue;
      const v = decimalToDouble(Number(digits.slice(0, -8) || '0'), Number(digits.slice(-8)), m[2].length);
      if (Number.isNaN(v)) continue;
      decided++;
      expect(v).toBe(x);
    }
    expect(decided).toBeGreaterThan(50_000);
  });

  it('leaves exact ties between two doubles, powers of two and out-of-range values to Number()', () => {
    expect(decimalToDouble(90_071_992, 54_740_993, 0)).toBeNaN(); // 2^53 + 1: a tie
    expect(decimalToDouble(180_143_985, 9_481_986, 0)).toBeNaN(); // 2^54 + 2: a tie
    expect(decimalToDouble(90_071_992, 54_740_992, 0)).toBeNaN(); // 2^53 itself: a power of two
    expect(decimalToDouble(90_071_992, 54_740_995, 0)).toBeNaN(); // 2^53 + 3: a tie (Number() rounds to even, 2^53 + 4)
    expect(decimalToDouble(90_071_992, 54_740_994, 0)).toBe(9007199254740994);
    expect(decimalToDouble(180_143_985, 9_481_987, 0)).toBe(18014398509481988); // 2^54 + 3: nearest is 2^54 + 4
    expect(decimalToDouble(180_143_985, 9_481_989, 0)).toBe(18014398509481988); // 2^54 + 5: nearest is 2^54 + 4
    expect(decimalToDouble(180_143_985, 9_481_985, 0)).toBeNaN(); // 2^54 + 1: nearest is 2^54, a power of two
    expect(decimalToDouble(123_456_789, 1_234_567, 22)).toBe(Number('0.00000123456789012345670'));
  });
});
