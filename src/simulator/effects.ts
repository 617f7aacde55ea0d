/** Scenario effects on lazy series: how an incident bends a baseline over a time window. */

/**
 * `mul`: value × (1 + (value−1)·shape); `add`: value + value·shape; `set`: blend toward value;
 * `nan`: missing sample; `expiry`: (value − t)/1000 seconds (certificate notAfter = value ms).
 * `shape` ramps 0→1 over `rampMs` after start and 1→0 over `rampMs` before end.
 */
export type EffectOp = 'mul' | 'add' | 'set' | 'nan' | 'expiry';

export interface SeriesEffect {
  /** Signal id this effect bends; `*` for every signal. */
  signal: string;
  startMs: number;
  endMs: number;
  op: EffectOp;
  value: number;
  rampMs: number;
}

export type EffectIndex = Map<string, SeriesEffect[]>;

export const effectKey = (cluster: string, scope: string): string => `${cluster}\u0000${scope}`;

export function addEffect(index: EffectIndex, cluster: string, scope: string, effect: SeriesEffect): void {
  const key = effectKey(cluster, scope);
  const list = index.get(key);
  if (list) list.push(effect);
  else index.set(key, [effect]);
}

/** Apply every effect of `signal` to `out[i]` sampled at `firstMs + i·stepMs`. */
export function applyEffects(out: Float64Array, n: number, firstMs: number, stepMs: number, signal: string, effects: SeriesEffect[] | undefined): void {
  if (!effects) return;
  for (const e of effects) {
    if (e.signal !== signal && e.signal !== '*') continue;
    const i0 = Math.max(0, Math.ceil((e.startMs - firstMs) / stepMs));
    const i1 = Math.min(n, Math.ceil((e.endMs - firstMs) / stepMs));
    for (let i = i0; i < i1; i++) {
      const t = firstMs + i * stepMs;
      const shape = e.rampMs > 0 ? Math.min(1, (t - e.startMs + stepMs) / e.rampMs, (e.endMs - t) / e.rampMs) : 1;
      switch (e.op) {
        case 'mul': out[i] *= 1 + (e.value - 1) * shape; break;
        case 'add': out[i] += e.value * shape; break;
        case 'set': out[i] = out[i] * (1 - shape) + e.value * shape; break;
        case 'nan': out[i] = NaN; break;
        case 'expiry': out[i] = (e.value - t) / 1000; break;
      }
    }
  }
}
