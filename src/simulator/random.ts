/**
 * Cheap, counter-based randomness for the simulator. Every value derives from a hash of its
 * coordinates (seed, cluster, component, signal, step), so any one series or any sub-range of it
 * is reproducible on its own, without generating anything else.
 */

/** FNV-1a over a string, then a final avalanche: a 32-bit unsigned key. */
export function hashString(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** lowbias32 integer mixer: a bijection on u32 with good avalanche. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Combine keys into one u32 key. */
export function hashKeys(...keys: (number | string)[]): number {
  let h = 0x9e3779b9;
  for (const k of keys) {
    const v = typeof k === 'number' ? k >>> 0 : hashString(k);
    h = mix32((h ^ v) + 0x9e3779b9 + ((h << 6) >>> 0) + (h >>> 2));
  }
  return h;
}

/** Uniform [0, 1) from a key. */
export function unitFromKey(key: number): number {
  return mix32(key) / 4294967296;
}

/** 4,096 standard-normal quantiles: `GAUSS[u32 >>> 20]` is an approximately N(0,1) draw. */
export const GAUSS_BITS = 12;
export const GAUSS = buildGaussTable(1 << GAUSS_BITS);

function buildGaussTable(n: number): Float64Array {
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) t[i] = inverseNormal((i + 0.5) / n);
  return t;
}

/** Acklam's rational approximation of the inverse normal CDF (|error| < 1.2e-9). */
function inverseNormal(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5852558513754, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lo) return -inverseNormal(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** A small stateful PRNG (splitmix32) for building inventory and scenarios. */
export interface Rng {
  /** Uniform [0, 1). */
  next(): number;
  int(minInclusive: number, maxInclusive: number): number;
  pick<T>(items: readonly T[]): T;
  weighted<T>(items: readonly T[], weights: readonly number[]): T;
  /** Approximately N(0, 1). */
  gauss(): number;
  /** k distinct items, in random order. */
  sample<T>(items: readonly T[], k: number): T[];
}

export function createRng(key: number): Rng {
  let state = key >>> 0;
  const nextU32 = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  const next = (): number => nextU32() / 4294967296;
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
    weighted: (items, weights) => {
      const total = weights.reduce((s, w) => s + w, 0);
      let r = next() * total;
      for (let i = 0; i < items.length; i++) {
        r -= weights[i];
        if (r < 0) return items[i];
      }
      return items[items.length - 1];
    },
    gauss: () => GAUSS[nextU32() >>> (32 - GAUSS_BITS)],
    sample: (items, k) => {
      const copy = items.slice();
      const n = Math.min(k, copy.length);
      for (let i = 0; i < n; i++) {
        const j = i + Math.floor(next() * (copy.length - i));
        [copy[i], copy[j]] = [copy[j], copy[i]];
      }
      return copy.slice(0, n);
    },
  };
}

/** Short lowercase alphanumeric id from a key, like the suffixes of Kubernetes pod names. */
export function shortId(key: number, length: number): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let out = '';
  let k = key;
  for (let i = 0; i < length; i++) {
    k = mix32(k + i);
    out += alphabet[k % alphabet.length];
  }
  return out;
}
