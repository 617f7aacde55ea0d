/**
 * Lazy golden-signal series. A value at time t depends only on (seed, cluster, component, signal,
 * t) and the scenario effects, so any series or sub-range is computed alone in O(points).
 */
import type { Cluster, ComponentId, SignalId } from '../fleet/types.js';
import { COMPONENT_PROFILES } from './catalog.js';
import { applyEffects, effectKey, type EffectIndex } from './effects.js';
import { regionOf } from './inventory.js';
import { GAUSS, GAUSS_BITS, createRng, hashKeys, mix32 } from './random.js';
import { seasonTable } from './season.js';
import { grid } from '../fleet/grid.js';

export interface SeriesContext {
  seed: number;
  stepMs: number;
  clusterById: Map<string, Cluster>;
  effects: EffectIndex;
}

/** Healthy operating point of one component in one cluster. */
export interface ComponentParams {
  requestRate: number;
  latencyP99Seconds: number;
  errorRatio: number;
  cpu: number;
  memory: number;
  network: number;
  seasonality: number;
}

export function componentParams(seed: number, clusterId: string, component: ComponentId): ComponentParams {
  const prof = COMPONENT_PROFILES[component];
  const rng = createRng(hashKeys(seed, clusterId, component, 'params'));
  const logUniform = ([lo, hi]: [number, number]): number => lo * Math.exp(rng.next() * Math.log(hi / lo));
  const uniform = ([lo, hi]: [number, number]): number => lo + rng.next() * (hi - lo);
  return {
    requestRate: logUniform(prof.requestRate),
    latencyP99Seconds: uniform(prof.latencyP99Seconds),
    errorRatio: uniform(prof.errorRatio),
    cpu: uniform(prof.cpu),
    memory: uniform(prof.memory),
    network: uniform(prof.network),
    seasonality: prof.seasonality * (0.7 + 0.3 * rng.next()),
  };
}

/** Effect scope for cluster-wide effects (stopped reporting: signal `!nan`). */
export const CLUSTER_SCOPE = '#cluster';

const SIGNAL_INDEX: Record<SignalId, number> = {
  availability: 0, error_ratio: 1, latency_p99: 2, request_rate: 3, cpu_saturation: 4, memory_saturation: 5, network_saturation: 6,
};

/**
 * Write one golden series into `out` (length ≥ n) and return n. NaN marks gaps and stopped clusters.
 * Throws for an unknown cluster or signal.
 */
export function goldenInto(ctx: SeriesContext, out: Float64Array, clusterId: string, component: ComponentId, signal: SignalId, startMs: number, endMs: number, withGaps = true): number {
  const cluster = ctx.clusterById.get(clusterId);
  if (!cluster) throw new Error(`unknown simulated cluster ${clusterId}`);
  const { firstMs, n } = grid(startMs, endMs, ctx.stepMs);
  if (out.length < n) throw new RangeError(`buffer of ${out.length} too small for ${n} points`);
  const base = signal === 'availability' ? 'error_ratio' : signal;
  if (SIGNAL_INDEX[signal] === undefined) throw new Error(`unknown golden signal ${signal}`);
  const p = componentParams(ctx.seed, clusterId, component);
  fillBaseline(ctx, out, n, firstMs, cluster, component, base, p);
  const effects = ctx.effects.get(effectKey(clusterId, component));
  applyEffects(out, n, firstMs, ctx.stepMs, base, effects);
  clamp(out, n, base);
  if (signal === 'availability') for (let i = 0; i < n; i++) out[i] = 1 - out[i];
  if (!withGaps) return n;
  applyGaps(ctx, out, n, firstMs, clusterId, component);
  applyEffects(out, n, firstMs, ctx.stepMs, '!nan', effects);
  applyEffects(out, n, firstMs, ctx.stepMs, '!nan', ctx.effects.get(effectKey(clusterId, CLUSTER_SCOPE)));
  return n;
}

function clamp(out: Float64Array, n: number, signal: string): void {
  const hi = signal === 'latency_p99' || signal === 'request_rate' ? Infinity : 1;
  for (let i = 0; i < n; i++) {
    const v = out[i];
    out[i] = v < 0 ? 0 : v > hi ? hi : v;
  }
}

interface Shape { level: number; loadGain: number; white: number; wander: number }

function shapeOf(signal: string, p: ComponentParams): Shape {
  switch (signal) {
    case 'request_rate': return { level: p.requestRate, loadGain: p.seasonality, white: 0.04, wander: 0.06 };
    case 'latency_p99': return { level: p.latencyP99Seconds, loadGain: 0.25 * p.seasonality, white: 0.06, wander: 0.05 };
    case 'error_ratio': return { level: p.errorRatio, loadGain: 0.2, white: 0.3, wander: 0.2 };
    case 'cpu_saturation': return { level: p.cpu, loadGain: p.seasonality, white: 0.05, wander: 0.05 };
    case 'memory_saturation': return { level: p.memory, loadGain: 0.1, white: 0.015, wander: 0.04 };
    case 'network_saturation': return { level: p.network, loadGain: p.seasonality, white: 0.06, wander: 0.06 };
    default: throw new Error(`unknown golden signal ${signal}`);
  }
}

/** The hot loop: level × seasonal load × (1 + white noise + hourly wander). */
function fillBaseline(ctx: SeriesContext, out: Float64Array, n: number, firstMs: number, cluster: Cluster, component: ComponentId, signal: string, p: ComponentParams): void {
  const stepSeconds = ctx.stepMs / 1000;
  const table = seasonTable(stepSeconds);
  const week = table.length;
  const perHour = Math.max(1, Math.round(3600 / stepSeconds));
  const { level, loadGain, white, wander } = shapeOf(signal, p);
  const key = hashKeys(ctx.seed, cluster.id, component, signal);
  const wanderKey = mix32(key ^ 0x5bd1e995);
  const k0 = Math.round(firstMs / ctx.stepMs);
  const shift = regionOf(cluster.region).utcOffsetHours * perHour;
  let idx = (((k0 + shift) % week) + week) % week;
  let hour = Math.floor(k0 / perHour);
  let w0 = GAUSS[mix32(wanderKey + hour) >>> (32 - GAUSS_BITS)];
  let w1 = GAUSS[mix32(wanderKey + hour + 1) >>> (32 - GAUSS_BITS)];
  let within = k0 - hour * perHour;
  const shiftBits = 32 - GAUSS_BITS;
  for (let i = 0; i < n; i++) {
    const g = GAUSS[mix32((key + Math.imul(k0 + i, 0x9e3779b1)) >>> 0) >>> shiftBits];
    const w = w0 + ((w1 - w0) * within) / perHour;
    out[i] = level * (1 + loadGain * (table[idx] - 1)) * (1 + white * g + wander * w);
    if (++idx === week) idx = 0;
    if (++within === perHour) {
      within = 0;
      hour++;
      w0 = w1;
      w1 = GAUSS[mix32(wanderKey + hour + 1) >>> shiftBits];
    }
  }
}

/** Short scrape gaps: per absolute day, a few (cluster, component) targets miss 1–4 samples. */
function applyGaps(ctx: SeriesContext, out: Float64Array, n: number, firstMs: number, clusterId: string, component: string): void {
  const dayMs = 86_400_000;
  const perDay = dayMs / ctx.stepMs;
  const d0 = Math.floor(firstMs / dayMs);
  const d1 = Math.floor((firstMs + n * ctx.stepMs) / dayMs);
  for (let d = d0; d <= d1; d++) {
    for (const scope of [component, '*']) {
      const h = hashKeys(ctx.seed, clusterId, scope, 'gap', d);
      if (h / 4294967296 >= (scope === '*' ? 0.01 : 0.03)) continue;
      const startStep = d * perDay + (mix32(h) % perDay);
      const len = 1 + (mix32(h + 1) % 4);
      const i0 = Math.max(0, Math.round((startStep * ctx.stepMs - firstMs) / ctx.stepMs));
      const i1 = Math.min(n, Math.round(((startStep + len) * ctx.stepMs - firstMs) / ctx.stepMs));
      for (let i = i0; i < i1; i++) out[i] = NaN;
    }
  }
}

/** Whether a (cluster, component) target has a scrape gap at time t (used by the export). */
export function gapMask(ctx: SeriesContext, clusterId: string, component: string, firstMs: number, n: number): Uint8Array {
  const buf = new Float64Array(n);
  applyGaps(ctx, buf, n, firstMs, clusterId, component);
  applyEffects(buf, n, firstMs, ctx.stepMs, '!nan', ctx.effects.get(effectKey(clusterId, component)));
  applyEffects(buf, n, firstMs, ctx.stepMs, '!nan', ctx.effects.get(effectKey(clusterId, CLUSTER_SCOPE)));
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) mask[i] = Number.isNaN(buf[i]) ? 1 : 0;
  return mask;
}
