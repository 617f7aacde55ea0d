/**
 * The catalog's PromQL, run by the Prometheus MetricsSource against a real Prometheus holding the
 * simulator's OpenMetrics export, gives the simulator's own answer.
 *
 * Tolerance: relative 1e-6 (absolute floor 1e-9). With samples exactly on the 5-minute grid and a
 * 6-minute rate window, rate() sees the last two samples and its extrapolation cancels out, so it
 * equals Δcounter / 300 s; the only error is float rounding of cumulative counters printed with 17
 * significant digits (Δ of a 1e8 counter keeps ~1e-9 relative). histogram_quantile interpolates
 * linearly inside the bucket, which the export's bucket placement inverts exactly. Points are
 * compared where both sides have a value: after a scrape gap, rate() needs two samples again (and a
 * gauge is carried over up to the 5-minute lookback), so coverage is checked separately (≥ 90 %).
 * Up to 1 % of points (at least 2) may differ: when a small counter jumps more than ~5× its value in
 * one step (an error counter at an incident onset), rate() stops extrapolating where the counter
 * would cross zero (Prometheus' zero-point heuristic) and reads low, e.g. 369.5 vs 375.3 req/s.
 */
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrometheusMetrics } from '../../src/adapters/metrics/prometheus/index.js';
import type { MetricsSource } from '../../src/adapters/metrics/types.js';
import { fixedClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import type { Series } from '../../src/fleet/types.js';
import { buildCatalog } from '../../src/signals/catalog.js';
import * as simulator from '../../src/simulator/index.js';
import { EXPORT_RATE_WINDOW } from '../../src/simulator/openmetrics-export.js';
import { PROMETHEUS_UNAVAILABLE_MESSAGE, backfillOpenMetricsFile, prometheusAvailable, startTestPrometheus, tempPrometheusDir, type TestPrometheus } from '../support/prometheus.js';

const exportReady = typeof simulator.exportOpenMetrics === 'function' && simulator.exportOpenMetrics.length > 0;
const runnable = prometheusAvailable() && exportReady;
if (!runnable) console.warn(`catalog-consistency skipped: ${exportReady ? PROMETHEUS_UNAVAILABLE_MESSAGE : 'the simulator has no OpenMetrics export yet'}`);

const COMPONENTS = ['coredns', 'ingress-gateway', 'apiserver', 'etcd', 'kubelet', 'service-mesh', 'cert-manager', 'workload'];
const GOLDEN = ['availability', 'error_ratio', 'latency_p99', 'request_rate', 'cpu_saturation', 'memory_saturation', 'network_saturation'];
const HOUR = 3_600_000;

describe.skipIf(!runnable)('catalog consistency: simulator export in Prometheus ≡ simulator', () => {
  let prom: TestPrometheus;
  let fleet: simulator.SimulatedFleet;
  let viaPrometheus: MetricsSource;
  let clusters: string[];

  beforeAll(async () => {
    fleet = simulator.createSimulatedFleet({ clusters: 5, days: 1 });
    clusters = fleet.clusters.map((c) => c.id);
    const dir = tempPrometheusDir();
    const file = join(dir, 'data.om');
    const out = createWriteStream(file);
    await simulator.exportOpenMetrics(fleet, { write: out, alerts: false });
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    prom = await startTestPrometheus(backfillOpenMetricsFile(file, dir));
    viaPrometheus = createPrometheusMetrics({
      baseUrl: prom.url, catalog: buildCatalog(), rateWindow: EXPORT_RATE_WINDOW, useRecordingRules: 'never',
      logger: silentLogger, clock: fixedClock(fleet.rangeMs.endMs), retries: 1,
    });
  }, 600_000);
  afterAll(async () => { await prom?.stop(); });

  const cases = GOLDEN.flatMap((signal) => COMPONENTS.filter((c) => !(c === 'kubelet' && signal === 'network_saturation')).map((component) => [signal, component]));

  it.each(cases)('%s of %s', async (signal, component) => {
    // Skip the first hour: rate() needs earlier samples.
    const req = { signal, component, clusters, startMs: fleet.rangeMs.startMs + HOUR, endMs: fleet.rangeMs.endMs, stepSeconds: fleet.stepSeconds };

    const [got, want] = [await viaPrometheus.query(req), simulator.queryMetrics(fleet, req)];

    expect(got.failedClusters).toEqual([]);
    for (const w of want.series) {
      const g = got.series.find((s) => s.cluster === w.cluster);
      expect(g, `${w.cluster} missing from Prometheus`).toBeDefined();
      const { compared, mismatches, finiteWanted } = compare(g as Series, w);
      expect(mismatches.length, `${w.cluster}: mismatches [i, want, got] ${JSON.stringify(mismatches.slice(0, 3))}`).toBeLessThanOrEqual(Math.max(2, 0.01 * compared));
      expect(compared / Math.max(1, finiteWanted)).toBeGreaterThanOrEqual(0.9);
    }
  });
});

function compare(got: Series, want: Series): { compared: number; finiteWanted: number; mismatches: [number, number, number][] } {
  const mismatches: [number, number, number][] = [];
  let compared = 0;
  let finiteWanted = 0;
  const offset = Math.round((want.startMs - got.startMs) / got.stepMs);
  for (let i = 0; i < want.values.length; i++) {
    const w = want.values[i];
    const g = got.values[i + offset];
    if (!Number.isFinite(w)) continue;
    finiteWanted++;
    if (!Number.isFinite(g)) continue;
    compared++;
    if (Math.abs(g - w) > Math.max(1e-9, 1e-6 * Math.abs(w))) mismatches.push([i, w, g]);
  }
  return { compared, finiteWanted, mismatches };
}
