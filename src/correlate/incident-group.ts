import type { AnomalyRow } from '../adapters/store/types.js';

/** An attribute the affected clusters share far more often than the fleet does. */
export interface SharedAttribute {
  /** `region`, `substrate`, `version:<component>`, `instanceType`, `environment`, `tier`. */
  name: string;
  value: string;
  /** Share of the group's clusters that have it (0..1). */
  coverage: number;
  /** Share of the whole fleet that has it (0..1). */
  baseRate: number;
  /** coverage ÷ baseRate: 1 means "explains nothing". */
  lift: number;
}

/**
 * Findings of one incident across clusters, grouped by time and shared attributes.
 * `id` is deterministic (hash of the digest day — default the start day — and the sorted key
 * findings), so a rerun on the same findings gives the same id.
 */
export interface IncidentGroup {
  id: string;
  title: string;
  startMs: number;
  endMs: number;
  clusters: string[];
  components: string[];
  signals: string[];
  findings: AnomalyRow[];
  sharedAttributes: SharedAttribute[];
  severity: 'critical' | 'warning';
}

export interface CorrelateOptions {
  /** An attribute explains a group only with at least this lift over the fleet (default 3). */
  minLift?: number;
  /** …and at least this share of the group's clusters (default 0.6). */
  minCoverage?: number;
  /** Fewest clusters for a multi-cluster group keyed by an attribute (default 3). */
  minClusters?: number;
  /** Findings of one cluster less than this apart belong to one episode (default 30 min). */
  episodeGapMs?: number;
  /** Episodes whose onsets chain within this gap are compared with each other (default 30 min). */
  onsetGapMs?: number;
  /**
   * The digest day (`YYYY-MM-DD`) the groups are reported in; part of each id, so a dip that crosses
   * midnight is a group of each day's digest rather than one row the next day takes over.
   * Default: the UTC day of the group's start.
   */
  day?: string;
  /** Declared maintenance windows: findings inside them (see `insideMaintenance`) are dropped. */
  maintenance?: { cluster: string; startMs: number; endMs: number }[];
  /** Component dependency edges (`from` depends on `to`) for grouping by a shared dependency. */
  dependencies?: { from: string; to: string }[];
  /** Same-component clusters no attribute explains group only if P(≥ that many onsets in their window | the day's rate) < this (default 1e-3). */
  residualBurstP?: number;
}
