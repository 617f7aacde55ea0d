import { afterEach, beforeEach, describe } from 'vitest';
import type { Store } from '../../../src/adapters/store/types.js';
import { registerAuditTests } from './suite-audit.js';
import { registerParityTests } from './suite-backend-parity.js';
import { registerConcurrencyTests } from './suite-concurrency.js';
import { registerProposalTests } from './suite-proposals.js';
import { registerRepoTests } from './suite-repos.js';
import { registerRetentionBatchTests } from './suite-retention-batches.js';
import { registerRetentionTests } from './suite-retention.js';
import { registerStorableNumberTests } from './suite-storable-numbers.js';
import { registerStorableTextTests } from './suite-storable-text.js';
import type { StoreHarness } from './fixtures.js';

/** Per test: a fresh migrated database and an open store on it. */
export interface StoreContext {
  harness: StoreHarness;
  target: string;
  store: Store;
}

/**
 * Registers the one store suite every backend must pass. `getHarness` is called inside hooks, so a
 * harness built in `beforeAll` (e.g. after starting a server) works.
 */
export function registerStoreSuite(name: string, getHarness: () => StoreHarness): void {
  describe(name, () => {
    const ctx = {} as StoreContext;
    const opened: Store[] = [];

    beforeEach(async () => {
      ctx.harness = getHarness();
      ctx.target = await ctx.harness.newTarget();
      ctx.store = await ctx.harness.open(ctx.target);
      opened.push(ctx.store);
      await ctx.store.migrate();
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });

    registerRepoTests(ctx);
    registerProposalTests(ctx);
    registerAuditTests(ctx);
    registerConcurrencyTests(ctx, opened);
    registerParityTests(ctx, opened);
    registerStorableTextTests(ctx);
    registerStorableNumberTests(ctx);
    registerRetentionTests(ctx);
    registerRetentionBatchTests(ctx);
  });
}

