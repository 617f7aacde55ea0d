/** Shapes of the metric-based root-cause ranking (see rank-root-causes.ts). */

/** Per node, per metric name, one aligned series (same length and step for every entry). */
export type NodeSeries = Map<string, Map<string, Float64Array>>;

export interface SymptomRef {
  readonly node: string;
  readonly metric: string;
  /** Which way is bad (latency `up`, availability `down`); default `any`. */
  readonly direction?: 'up' | 'down' | 'any';
}

export interface RankInput {
  readonly nodes: readonly string[];
  /** Call edges: `from` calls / depends on `to`; faults propagate from `to` back to `from`. */
  readonly edges: readonly (readonly [from: string, to: string])[];
  /** The symptom to explain: a node and the name of one of its metrics in `series`. */
  readonly target: SymptomRef;
  readonly series: NodeSeries;
  /**
   * Index into `series`: points before it are normal operation, points from it on are the issue
   * window. Default 0 when `normal` is given, else half the series.
   */
  readonly normalEnd?: number;
  /** Separate normal-operation data (same node/metric keys; any length); preferred as baseline. */
  readonly normal?: NodeSeries;
  /** Multiplicative weights from past feedback, default 1 (e.g. 1.5 for a node often confirmed). */
  readonly priors?: ReadonlyMap<string, number>;
}

export interface RankedCause {
  readonly node: string;
  /** Higher is more likely; comparable only within one result. */
  readonly score: number;
  /** Largest robust z (MAD units) of the node's metrics at the symptom's anomalous points. */
  readonly anomaly: number;
  /** Largest |Pearson r| of the node's metrics with the symptom over the whole series, 0..1. */
  readonly correlation: number;
  /** Short human-readable facts behind the score, for evidence and the digest narrative. */
  readonly reasons: string[];
}

export interface RankResult {
  /** Anomalous candidates, best first; empty or low-confidence when `inconclusive`. */
  readonly ranked: RankedCause[];
  /**
   * True when the symptom is not anomalous, or no dependency of its node is anomalous and moving
   * with it: then `ranked` holds at most the symptom node itself, as a low-confidence entry.
   */
  readonly inconclusive: boolean;
}

/** One parameter set for every input; not tuned per case. */
export interface RankParams {
  /** Robust z above which a point is anomalous (the data set's baseline uses 5). */
  readonly threshold: number;
  /** Least baseline spread as a fraction of |median| (see robustBaseline). */
  readonly relativeFloor: number;
  /**
   * Fewer normal points than this (and no separate normal data): the baseline is learned from
   * the whole series instead, which median and MAD tolerate while the issue covers under half.
   */
  readonly minBaselinePoints: number;
  /**
   * Weight of "nothing anomalous below it" next to correlation (0..1): favours the deepest
   * anomalous node on a path, unless what sits below it tracks the symptom as well.
   */
  readonly downstreamWeight: number;
  /** Least |r| with the symptom for an anomalous dependency to count as an explanation. */
  readonly minCorrelation: number;
}

export const DEFAULT_RANK_PARAMS: RankParams = {
  threshold: 5,
  relativeFloor: 0.001,
  minBaselinePoints: 10,
  downstreamWeight: 0.3,
  minCorrelation: 0.5,
};
