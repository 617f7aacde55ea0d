/** One unsharded in-process scan of a simulated fleet, for profiling: `tsx bench/scan/profile-run.ts [clusters] [days]`. */
import { createSimulatedFleet } from '../../src/simulator/index.js';
import { scanFleet } from './quality.js';

const fleet = createSimulatedFleet({ seed: 1, clusters: Number(process.argv[2] ?? 60), days: Number(process.argv[3] ?? 2) });
const t0 = performance.now();
const findings = await scanFleet(fleet);
console.log(`scan: ${fleet.clusters.length} clusters, ${findings.length} findings in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
