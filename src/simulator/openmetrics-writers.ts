/** Low-level OpenMetrics writers: label sets, gauges, cumulative counters, histograms. */
import type { SimulatedFleet } from './fleet.js';
import { bucketFractions } from './openmetrics-requests.js';
import { mix32 } from './random.js';

export interface ExportScope {
  fleet: SimulatedFleet;
  firstMs: number;
  n: number;
  stepMs: number;
  /** Sample timestamps in seconds, as text. */
  ts: string[];
  clusterLabel: string;
  components: Set<string>;
  /** 1 where the scrape target missed the sample (gaps, stopped reporting). */
  mask(cluster: string, target: string): Uint8Array;
  line(s: string): void;
  stats: { series: number; samples: number };
}

const esc = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

/** `{cluster="…",k="v",…}` with the cluster label first; later keys override earlier ones. */
export function labelSet(scope: ExportScope, cluster: string, ...sets: Record<string, string>[]): string {
  const merged: Record<string, string> = Object.assign({}, ...sets);
  let s = `{${scope.clusterLabel}="${esc(cluster)}"`;
  for (const [k, v] of Object.entries(merged)) s += `,${k}="${esc(v)}"`;
  return `${s}}`;
}

const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : String(v));

/** A gauge series: a constant or one value per step; masked steps are skipped. */
export function gauge(scope: ExportScope, name: string, labels: string, values: Float64Array | number, mask?: Uint8Array, from = 0, to = scope.n): void {
  const head = `${name}${labels} `;
  let written = 0;
  for (let i = from; i < to; i++) {
    if (mask && mask[i]) continue;
    const v = typeof values === 'number' ? values : values[i];
    if (Number.isNaN(v)) continue;
    scope.line(`${head}${fmt(v)} ${scope.ts[i]}\n`);
    written++;
  }
  if (written) {
    scope.stats.series++;
    scope.stats.samples += written;
  }
}

/** Reset position (or −1) and the uptime before the window, in steps, for one process. */
export function processLife(key: number, n: number): { resetAt: number; uptimeSteps: number } {
  const h = mix32(key);
  return { resetAt: h / 4294967296 < 0.25 ? mix32(h + 1) % n : -1, uptimeSteps: 50 + (h % 2000) };
}

/** A counter from per-step increments: cumulative, starting at an uptime's worth, reset once maybe. */
export function counter(scope: ExportScope, name: string, labels: string, inc: Float64Array, mask: Uint8Array | undefined, key: number, integer = false): void {
  const { resetAt, uptimeSteps } = processLife(key, scope.n);
  const out = new Float64Array(scope.n);
  let c = integer ? key % 5 : inc[0] * uptimeSteps;
  for (let i = 0; i < scope.n; i++) {
    c = i === resetAt ? inc[i] : c + inc[i];
    out[i] = c;
  }
  gauge(scope, name, labels, out, mask);
}

/**
 * A histogram from per-step observation counts and the p99 at each step (in the family's unit):
 * per step the buckets, `_count` and `_sum`, as OpenMetrics groups a histogram point.
 */
export function histogram(scope: ExportScope, family: string, labels: string, bounds: number[], counts: Float64Array, p99: Float64Array, mask: Uint8Array | undefined, key: number): void {
  const m = bounds.length;
  const base = labels.slice(0, -1);
  const heads = bounds.map((b) => `${family}_bucket${base},le="${b}"} `);
  heads.push(`${family}_bucket${base},le="+Inf"} `);
  const countHead = `${family}_count${labels} `;
  const sumHead = `${family}_sum${labels} `;
  const frac = new Float64Array(m);
  const cum = new Float64Array(m + 1);
  const { resetAt, uptimeSteps } = processLife(key, scope.n);
  bucketFractions(bounds, p99[0], frac);
  for (let b = 0; b < m; b++) cum[b] = counts[0] * frac[b] * uptimeSteps;
  cum[m] = counts[0] * uptimeSteps;
  let sum = cum[m] * p99[0] * 0.4;
  let written = 0;
  for (let i = 0; i < scope.n; i++) {
    if (i === resetAt) {
      cum.fill(0);
      sum = 0;
    }
    bucketFractions(bounds, p99[i], frac);
    const c = counts[i];
    for (let b = 0; b < m; b++) cum[b] += c * frac[b];
    cum[m] += c;
    sum += c * p99[i] * 0.4;
    if (mask && mask[i]) continue;
    const t = scope.ts[i];
    for (let b = 0; b <= m; b++) scope.line(`${heads[b]}${fmt(cum[b])} ${t}\n`);
    scope.line(`${countHead}${fmt(cum[m])} ${t}\n${sumHead}${fmt(sum)} ${t}\n`);
    written++;
  }
  scope.stats.series += m + 3;
  scope.stats.samples += written * (m + 3);
}
