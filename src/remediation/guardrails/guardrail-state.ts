import { z } from 'zod';
import type { ClusterReader } from './cluster-reader.js';

/** A change freeze (config): no operation may start inside it on the clusters it covers. */
export const ChangeFreezeWindow = z.strictObject({
  startsAt: z.iso.datetime({ offset: true }),
  endsAt: z.iso.datetime({ offset: true }),
  reason: z.string().min(1),
  /** Cluster names it covers; default all. */
  clusters: z.array(z.string()).optional(),
  /** Environments it covers (registry `environment`); default all. */
  environments: z.array(z.string()).optional(),
}).refine((w) => Date.parse(w.startsAt) < Date.parse(w.endsAt), {
  // read after "expected" and before "found <endsAt>"
  error: (issue) => `a time after startsAt (${(issue.input as { startsAt?: unknown } | undefined)?.startsAt})`,
  path: ['endsAt'],
});
export type ChangeFreezeWindow = z.infer<typeof ChangeFreezeWindow>;

/** Thresholds (config `guardrails`); each has a safe default. */
export const GuardrailLimits = z.strictObject({
  /** Share of desired replicas (or of ready nodes) that must be available. */
  availabilityFloor: z.number().gt(0).max(1).default(0.8),
  /** Share of cluster allocatable CPU and memory that must stay unrequested after the change. */
  minCapacityHeadroom: z.number().min(0).lt(1).default(0.2),
  /** A scale-down is refused above this CPU utilisation (usage / requests). */
  maxUtilisationForScaleDown: z.number().gt(0).default(0.7),
  /** Operations executing at once, fleet-wide and per cluster. */
  maxConcurrentOperations: z.number().int().min(1).default(10),
  maxConcurrentPerCluster: z.number().int().min(1).default(1),
  /**
   * Fleet policy over the rate-limit parameters a proposal carries (the proposer, an LLM included,
   * sets those within the catalog's or the runbook's bounds): the smaller of the two applies.
   */
  maxNodesPerCluster: z.number().int().min(1).default(1),
  maxNodesPerFleetPerHour: z.number().int().min(1).default(5),
  maxClustersPerHour: z.number().int().min(1).default(10),
  maxPodsPerCluster: z.number().int().min(1).default(1),
  /**
   * The same operation on the same object is not run again within this many hours of an earlier run
   * that succeeded (or while one executes), whichever proposal asks: a rollback run twice re-applies
   * the bad revision, and a fix that did not hold is for people to judge.
   */
  repeatWindowHours: z.number().gt(0).default(24),
});
export type GuardrailLimits = z.infer<typeof GuardrailLimits>;

/** An operation fleetops started recently (the store's view), for rate limits and concurrency. */
export interface RecentOperation {
  operationId: string;
  operation: string;
  cluster: string;
  startedAtMs: number;
  state: 'executing' | 'succeeded' | 'failed' | 'blocked' | 'rolled-back';
  /** The object it changed (absent in records that do not say). */
  target?: { kind: string; namespace?: string; name: string };
}

/** A fleet-wide action: the same operation proposed for many clusters, canaries first (see fleetActionOf). */
export interface FleetAction {
  canaryClusters: string[];
  /** Canary clusters on which the action already succeeded and was verified. */
  verifiedClusters: string[];
  /** Canary clusters on which it failed or was rolled back: it goes no further. */
  failedClusters?: string[];
}

/** Everything checkGuardrails needs besides the operation and the request. */
export interface GuardrailState {
  nowMs: number;
  reader: ClusterReader;
  /** Operations started in at least the last hour (repeatWindowHours for no-repeat), plus all still executing, fleet-wide. */
  recentOperations: RecentOperation[];
  freezeWindows: ChangeFreezeWindow[];
  /** Registry facts of the target cluster. */
  cluster?: { environment?: string; canary?: boolean };
  /** Set when the request is one cluster of a fleet-wide action. */
  fleetAction?: FleetAction;
  /** Whether an Argo CD connection is configured (Argo-managed objects are only changed through it). */
  argoCdConfigured: boolean;
  limits?: Partial<GuardrailLimits>;
}
