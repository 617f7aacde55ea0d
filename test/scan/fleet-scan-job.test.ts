import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildAdapters } from '../../src/adapters/index.js';
import { fixedClock } from '../../src/core/clock.js';
import { loadConfig } from '../../src/core/config/load-config.js';
import { silentLogger } from '../../src/core/logger.js';
import { fleetScanJob } from '../../src/scan/fleet-scan-job.js';
import { scanContext } from './fleet-fixtures.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('fleet-scan job', () => {
  it('lists the inventory once per run and scans every cluster it lists', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'fleetops-scanjob-'));
    dirs.push(outDir);
    const config = loadConfig({ env: { FLEETOPS__SIMULATOR__CLUSTERS: '6', FLEETOPS__SIMULATOR__DAYS: '1', FLEETOPS__SCAN__LOOKBACKHOURS: '24' } });
    const adapters = buildAdapters({ config, outDir, env: {}, clock: fixedClock(0), logger: silentLogger });
    const inventory = adapters.inventory();
    const listed: number[] = [];
    adapters.inventory = () => ({ ...inventory, listClusters: async (signal) => { const c = await inventory.listClusters(signal); listed.push(c.length); return c; } });
    const ctx = { ...scanContext(), job: 'fleet-scan', clock: fixedClock(0) };

    const summary = await fleetScanJob(adapters, ctx, { fullRebuild: true, finalizeOnly: false, endMs: adapters.fleet().rangeMs.endMs });

    expect(listed).toEqual([6]);
    expect(summary.clusters).toBe(6);
    expect(summary.series).toBeGreaterThan(6);
    expect(ctx.failures).toEqual([]);
    await (await adapters.store()).close();
  });
});
