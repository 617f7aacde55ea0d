/**
 * A busier day for the digest benchmark: adds `count` background findings (synthetic-day.ts) on the
 * simulated fleet's own clusters to the digest day in a scan store. Run by bench/digest.ts as a
 * child process (so the benchmark's peak RSS stays the digest's):
 * `tsx bench/digest/add-noise.ts <sqlite file> <count> <clusters> <seed> <end ISO>`.
 */
import { createStore } from '../../src/adapters/store/index.js';
import { createSimulatedFleet } from '../../src/simulator/index.js';
import { backgroundFindings } from './synthetic-day.js';

const DAY_MS = 86_400_000;
const [path, count, clusters, seed, end] = process.argv.slice(2);
if (!path || !/^\d+$/.test(count ?? '') || !/^\d+$/.test(clusters ?? '') || !/^\d+$/.test(seed ?? '') || Number.isNaN(Date.parse(end ?? ''))) {
  throw new Error('usage: add-noise.ts <sqlite file> <count> <clusters> <seed> <end ISO>');
}
const endMs = Date.parse(end);
const fleet = createSimulatedFleet({ seed: Number(seed), clusters: Number(clusters), endMs });
// the digest day: the last whole UTC day before the simulated end (resolveDigestWindow)
const dayStartMs = Math.floor(fleet.rangeMs.endMs / DAY_MS) * DAY_MS - DAY_MS;
const rows = backgroundFindings({ clusterIds: fleet.clusters.map((c) => c.id), count: Number(count), dayStartMs, seed: Number(seed) });
const store = await createStore({ kind: 'sqlite', path });
await store.migrate();
const { inserted } = await store.anomalies.upsertMany(rows);
await store.close();
console.log(JSON.stringify({ inserted }));
