/**
 * fleetops scan against a real Prometheus holding a backfilled simulated fleet. Size: 50 clusters ×
 * 1 day × the coredns exporters (plus node and inventory metrics), ≈ 310 MB of OpenMetrics: all 12
 * components would be ≈ 60 MB per cluster-day, too slow to export and backfill in a test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../src/adapters/store/sqlite/index.js';
import type { AnomalyRow } from '../../src/adapters/store/types.js';
import { main } from '../../src/cli/main.js';
import { fixedClock } from '../../src/core/clock.js';
import type { ScenarioInstance } from '../../src/simulator/index.js';
import { exportFleetToTsdb, scanEnv, startOnCopy, type ExportedFleet } from '../../bench/scan/prometheus-fleet.js';
import { freePort, PROMETHEUS_UNAVAILABLE_MESSAGE, prometheusAvailable } from '../support/prometheus.js';

const available = prometheusAvailable();
if (!available) console.warn(`skipping scan-prometheus integration tests: ${PROMETHEUS_UNAVAILABLE_MESSAGE}`);

let exported: ExportedFleet;
const outDirs: string[] = [];

async function scan(url: string, extraArgs: string[] = [], env: Record<string, string> = {}) {
  const out = mkdtempSync(join(tmpdir(), 'fleetops-scan-'));
  outDirs.push(out);
  let stdout = '';
  let stderr = '';
  const { fleet } = exported;
  const code = await main(['scan', '--out', out, '--end', new Date(fleet.rangeMs.endMs).toISOString(), ...extraArgs], {
    stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, env: scanEnv(fleet, url, env), clock: fixedClock(fleet.rangeMs.endMs), isTty: false,
  });
  const store = await createSqliteStore({ path: join(out, 'fleetops.db') });
  const rows = await store.anomalies.list({ startMs: 0, endMs: fleet.rangeMs.endMs + 86_400_000 });
  await store.close();
  return { code, stdout, stderr, rows, out };
}

/** An incident is found when a warning/critical finding on one of its symptom clusters and components overlaps its window. */
function found(g: ScenarioInstance, rows: AnomalyRow[]): boolean {
  return rows.some((r) => r.severity !== 'info' && r.startMs <= g.endMs + 1_800_000 && r.endMs >= g.startMs - 1_800_000
    && (g.kind === 'stopped-reporting' ? r.kind === 'missing-data' && g.clusters.includes(r.cluster)
      : g.symptoms.some((s) => s.cluster === r.cluster && s.component === r.component)));
}

describe.skipIf(!available)('fleetops scan against a real Prometheus', () => {
  beforeAll(async () => {
    exported = await exportFleetToTsdb({
      seed: 3, clusters: 50, days: 1, components: ['coredns'],
      scenarios: [
        { kind: 'bad-rollout', component: 'coredns', clusterCount: 3, hoursBeforeEnd: 7, durationMinutes: 60 },
        { kind: 'bad-rollout', component: 'coredns', clusterCount: 2, hoursBeforeEnd: 11, durationMinutes: 40 },
        { kind: 'noisy-neighbour-dns', hoursBeforeEnd: 4, durationMinutes: 90 },
        { kind: 'stopped-reporting', hoursBeforeEnd: 2 },
        { kind: 'benign-spike', hoursBeforeEnd: 5, durationMinutes: 25 },
        { kind: 'maintenance-window', hoursBeforeEnd: 3, durationMinutes: 45 },
      ],
    });
  }, 120_000);
  afterAll(() => {
    exported?.remove();
    outDirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  const severe = () => exported.fleet.groundTruth.filter((g) => !g.isConfounder && g.severity !== 'info');

  it('finds every injected severe incident and reports no confounder as critical; a low query.max-samples splits instead of failing', async () => {
    for (const flags of [[], ['--query.max-samples=2000']]) {
      const prom = await startOnCopy(exported, flags);
      try {
        const run = await scan(prom.url, ['--full']);

        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        expect(severe().length).toBeGreaterThanOrEqual(3);
        expect(severe().filter((g) => !found(g, run.rows)).map((g) => g.kind)).toEqual([]);
        const confounders = exported.fleet.groundTruth.filter((g) => g.isConfounder);
        const critical = run.rows.filter((r) => r.severity === 'critical' && confounders.some((g) => g.clusters.includes(r.cluster) && r.startMs <= g.endMs && r.endMs >= g.startMs));
        expect(critical.filter((r) => !severe().some((g) => g.clusters.includes(r.cluster)))).toEqual([]);
      } finally {
        await prom.stop();
      }
    }
  }, 180_000);

  it('records every cluster as failed, stores nothing and exits 1 when Prometheus is down, twice in a row', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;

    const first = await scan(url);
    const second = await scan(url);

    for (const run of [first, second]) {
      expect(run.code).toBe(1);
      // every signal × component fails alike: a few lines, each naming the cause
      const failed = run.stderr.split('\n').filter((l) => l.startsWith('  failed: '));
      expect(failed.length).toBeGreaterThan(0);
      expect(failed.length).toBeLessThanOrEqual(3);
      for (const line of failed) expect(line).toMatch(/failed: (signal:|\d+ parts \(signal:).*: no answer for 50 clusters \(.*\): .*ECONNREFUSED/);
      expect(run.stderr).toMatch(/is not answering \(.*ECONNREFUSED.*\): call skipped/);
      expect(run.stdout).toMatch(/failed clusters: 50/);
      expect(run.rows).toEqual([]);
    }
  }, 60_000);
});
