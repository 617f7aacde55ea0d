/** Scenario vocabulary and ground truth of the simulated fleet. */
import type { ComponentId } from '../fleet/types.js';
import { SCENARIO_FAILURE_MODE, SCENARIO_KINDS, type ScenarioKind } from '../rca/failure-model/vocabulary.js';

/** Incident kinds: the failure model's scenario kinds (one vocabulary for ground truth and RCA). */
export { SCENARIO_KINDS, type ScenarioKind };

/** Things that look like incidents but must not be blamed. */
export const CONFOUNDER_KINDS = ['benign-spike', 'maintenance-window', 'unrelated-deploy'] as const;
export type ConfounderKind = (typeof CONFOUNDER_KINDS)[number];

/** failureMode id of each incident kind (confounders: `none`). */
export const FAILURE_MODES: Record<Exclude<ScenarioKind, 'bad-rollout'>, string> = (({ 'bad-rollout': _rollout, ...rest }) => rest)(SCENARIO_FAILURE_MODE);

/**
 * What to inject. Everything left out is chosen from the seed. Times: `startMs`, or
 * `hoursBeforeEnd` (onset that many hours before the end of the range).
 */
export interface ScenarioSpec {
  kind: ScenarioKind | ConfounderKind;
  startMs?: number;
  hoursBeforeEnd?: number;
  /** Window length; `Infinity` or absent for `stopped-reporting` means until the end of the range. */
  durationMinutes?: number;
  /** Explicit target clusters (single-cluster kinds use the first). */
  clusters?: string[];
  /** bad-rollout: how many clusters take the bad version (default 40, capped at 3% of the fleet). */
  clusterCount?: number;
  /** bad-rollout: the component rolled out (default coredns). */
  component?: ComponentId;
  /** regional-degradation: the region (default a cloud region picked by seed). */
  region?: string;
  /** Scales the symptom sizes; 1 is the default, 0.6–1.6 is realistic. */
  magnitude?: number;
  /** unrelated-deploy: index (in the spec list) of the incident it lands in. */
  during?: number;
}

export type Direction = 'up' | 'down';

export interface Symptom {
  cluster: string;
  component: string;
  signal: string;
  direction: Direction;
}

export interface RootCause {
  failureMode: string;
  component: string;
  cluster?: string;
  node?: string;
  pod?: string;
  version?: string;
  region?: string;
  changeId?: string;
}

/** Ground truth of one injected incident or confounder. */
export interface ScenarioInstance {
  id: string;
  kind: ScenarioKind | ConfounderKind;
  isConfounder: boolean;
  startMs: number;
  endMs: number;
  clusters: string[];
  /** Main symptomatic component (`stopped-reporting`: `apiserver`, standing for the whole cluster). */
  component: ComponentId;
  rootCause: RootCause;
  symptoms: Symptom[];
  severity: 'critical' | 'warning' | 'info';
  description: string;
}
