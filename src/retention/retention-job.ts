import type { Inventory } from '../adapters/inventory/types.js';
import {
  RETENTION_KINDS, type RetentionCutoffs, type RetentionHeld, type RetentionKind, type RetentionPolicy, type Store,
} from '../adapters/store/types.js';
import type { JobContext } from '../core/run-job.js';
import { OPEN_STATES } from '../remediation/proposals/proposal-state.js';
import type { RetentionConfig } from './retention-config.js';
import { retentionCutoffs, type RetentionLookbacks } from './retention-cutoffs.js';

export interface RetentionDeps {
  store: Store;
  inventory: Pick<Inventory, 'listClusters'>;
}

export interface RetentionOptions extends RetentionLookbacks {
  config: RetentionConfig;
  /** Count what would go; delete nothing. */
  dryRun: boolean;
  /**
   * The data's "now", when it is not the clock's (a simulator ending in the past): ages are measured from
   * the earlier of the two, so a simulated fleet's rows are not deleted for the clock being later.
   */
  dataNowMs?: number;
}

export interface RetentionSummary {
  dryRun: boolean;
  /** Rows deleted per kind (dry run: that would be); a kind not reached or failed is absent. */
  deleted: Partial<Record<RetentionKind, number>>;
  /** DELETE statements that deleted rows (dry run: that it would take). */
  batches: number;
  /** False when stopped before the last kind (deadline, signal, a failed kind): the next run deletes the rest. */
  complete: boolean;
  /** ISO times per cutoff. */
  cutoffs: Record<keyof RetentionCutoffs, string>;
  /** Kept although old, and why (see RetentionHeld); absent when it could not be read. */
  held?: RetentionHeld;
  /** Detector states were left alone: the inventory could not be read, or was empty. */
  detectorStatesSkipped?: string;
}

/** The inventory's cluster ids, or why detector states are left alone this run. */
async function inventoryClusters(deps: RetentionDeps, ctx: JobContext): Promise<ReadonlySet<string> | string> {
  try {
    const clusters = await deps.inventory.listClusters(ctx.signal);
    // an empty answer is far likelier a broken source than a fleet with no cluster left
    if (clusters.length > 0) return new Set(clusters.map((c) => c.id));
    ctx.logger.warn({}, 'the inventory lists no cluster: no detector state is deleted');
    return 'the inventory lists no cluster';
  } catch (err) {
    ctx.fail('inventory', err);
    return `the inventory could not be read: ${(err as Error).message}`;
  }
}

/**
 * Deletes what the retention policy lets go, kind by kind in RETENTION_KINDS order (what refers to a
 * row before the row), in batches. Idempotent: a rerun after an interruption deletes the rest. The
 * audit log, open proposals and what they reference, and runs still running are never deleted.
 */
export async function retentionJob(deps: RetentionDeps, ctx: JobContext, opts: RetentionOptions): Promise<RetentionSummary> {
  const beforeMs = retentionCutoffs(opts.config, opts, Math.min(ctx.clock.nowMs(), opts.dataNowMs ?? Infinity));
  const clusters = await inventoryClusters(deps, ctx);
  const policy: RetentionPolicy = { beforeMs, openProposalStates: OPEN_STATES, inventoryClusters: typeof clusters === 'string' ? undefined : clusters };
  const summary: RetentionSummary = {
    dryRun: opts.dryRun, deleted: {}, batches: 0, complete: true,
    cutoffs: Object.fromEntries(Object.entries(beforeMs).map(([k, ms]) => [k, new Date(ms).toISOString()])) as RetentionSummary['cutoffs'],
    ...(typeof clusters === 'string' && { detectorStatesSkipped: clusters }),
  };
  for (const kind of RETENTION_KINDS) {
    if (!(await purgeKind(deps.store, ctx, kind, policy, opts, summary))) break;
  }
  summary.held = await deps.store.retention.held(policy).catch((err: unknown) => { ctx.fail('store:retention', err); return undefined; });
  return summary;
}

/** One kind; false when the run must stop here (deadline or signal). A failed kind is reported and the next one tried. */
async function purgeKind(store: Store, ctx: JobContext, kind: RetentionKind, policy: RetentionPolicy, opts: RetentionOptions, summary: RetentionSummary): Promise<boolean> {
  const dryRun = opts.dryRun;
  try {
    const result = await store.retention.purge(kind, policy, {
      batchSize: opts.config.batchSize, dryRun, signal: ctx.signal,
      onBatch: (rows) => ctx.logger.debug({ kind, rows }, dryRun ? 'DRY-RUN: would delete a batch' : 'deleted a batch'),
    });
    summary.deleted[kind] = result.rows;
    summary.batches += result.batches;
    ctx.logger.info({ kind, rows: result.rows, batches: result.batches }, dryRun ? 'DRY-RUN: would delete' : 'deleted');
    if (result.complete) return true;
    ctx.fail(`kind:${kind}`, new Error('stopped before the end (deadline or signal): the next run deletes the rest'));
  } catch (err) {
    ctx.fail(`kind:${kind}`, err);
    summary.complete = false;
    return !ctx.signal.aborted;
  }
  summary.complete = false;
  return false;
}
