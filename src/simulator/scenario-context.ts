/** Shared state and emitters used while injecting scenarios: effects and traces in every source. */
import type { AlertEpisode } from '../adapters/alerts/types.js';
import type { Change } from '../adapters/changes/types.js';
import type { KubeEvent } from '../adapters/events/types.js';
import type { LogLine } from '../adapters/logs/types.js';
import type { Cluster, Topology, TopologyPod } from '../fleet/types.js';
import { addEffect, type EffectIndex, type EffectOp } from './effects.js';
import type { Rng } from './random.js';
import type { Direction, Symptom } from './scenario-types.js';

export interface Traces {
  events: KubeEvent[];
  logs: LogLine[];
  changes: Change[];
  alerts: AlertEpisode[];
}

export interface BuildContext {
  seed: number;
  rng: Rng;
  clusters: Cluster[];
  clusterById: Map<string, Cluster>;
  rangeMs: { startMs: number; endMs: number };
  stepMs: number;
  effects: EffectIndex;
  traces: Traces;
  /** Scenario pods (e.g. the noisy neighbour) added to a cluster's topology. */
  extraPods: Map<string, TopologyPod[]>;
  /** Clusters already hosting a single-cluster scenario; avoided by later picks. */
  used: Set<string>;
  /** Clusters that stop reporting, with the onset: their logs and events cease then. */
  darkSince: Map<string, number>;
  topology(clusterId: string): Topology;
}

export const MIN = 60_000;
export const HOUR = 3_600_000;

export function alignUp(ms: number, stepMs: number): number {
  return Math.ceil(ms / stepMs) * stepMs;
}

export function effect(ctx: BuildContext, cluster: string, scope: string, signal: string, startMs: number, endMs: number, op: EffectOp, value: number, rampMs = 10 * MIN): void {
  addEffect(ctx.effects, cluster, scope, { signal, startMs, endMs, op, value, rampMs });
}

export function symptom(list: Symptom[], cluster: string, component: string, signal: string, direction: Direction): void {
  list.push({ cluster, component, signal, direction });
}

/** An alert episode on the step grid, clipped to the range; `forMs` delays the start like `for:`. */
export function alert(ctx: BuildContext, alertname: string, cluster: string, severity: string, labels: Record<string, string>, startMs: number, endMs: number, forMs = 5 * MIN): void {
  const s = Math.max(ctx.rangeMs.startMs, alignUp(startMs + forMs, ctx.stepMs));
  const e = Math.min(ctx.rangeMs.endMs, alignUp(endMs + 5 * MIN, ctx.stepMs));
  if (e > s) ctx.traces.alerts.push({ alertname, cluster, severity, labels, startMs: s, endMs: e });
}

export function event(ctx: BuildContext, e: Omit<KubeEvent, 'count'> & { count?: number }): void {
  if (e.tsMs >= ctx.rangeMs.startMs && e.tsMs < ctx.rangeMs.endMs) ctx.traces.events.push({ count: 1, ...e });
}

/** Repeated log lines every `everyMs` in [startMs, endMs); `message(i)` varies the text. */
export function logs(ctx: BuildContext, base: Omit<LogLine, 'tsMs' | 'message'>, startMs: number, endMs: number, everyMs: number, message: (i: number) => string): void {
  let i = 0;
  for (let t = startMs; t < endMs; t += everyMs, i++) {
    if (t >= ctx.rangeMs.startMs && t < ctx.rangeMs.endMs) ctx.traces.logs.push({ ...base, tsMs: Math.round(t + ((i * 7919) % 23) * 1000), message: message(i) });
  }
}

export function change(ctx: BuildContext, c: Change): Change {
  ctx.traces.changes.push(c);
  return c;
}

/** Up to `count` clusters matching `filter`, preferring ones not yet used by another scenario. */
export function pickClusters(ctx: BuildContext, count: number, filter: (c: Cluster) => boolean = () => true): Cluster[] {
  const fresh = ctx.clusters.filter((c) => filter(c) && !ctx.used.has(c.id));
  const matching = fresh.length >= count ? fresh : ctx.clusters.filter(filter);
  // a small fleet may have no cluster that fits (no prod cluster among 3): the incident still needs one
  const pool = matching.length > 0 ? matching : ctx.clusters;
  return ctx.rng.sample(pool, count);
}

/** A fake pod IP inside the cluster's pod CIDR, stable per (cluster, pod). */
export function podIp(key: number): string {
  return `10.${(key >>> 16) & 127}.${(key >>> 8) & 255}.${(key & 253) + 2}`;
}
