/**
 * Detection throughput over the full simulated fleet: `npm run bench:detect [-- --clusters N --days D]`.
 * Every cluster × golden signal × component series (7 days at 5 min by default) is generated lazily
 * and scanned with the fleet-scan detectors (causal score, SLO dips, level shifts). Generation time is
 * measured separately and subtracted, so the figure is detection alone, on one core. Times are the
 * process's CPU time (user + system), so a busy machine slows the run but not the per-core figure.
 */
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { COMPONENTS, SIGNALS } from '../src/fleet/types.js';
import { CausalScorer } from '../src/detect/index.js';
import { DEFAULT_SCAN_OPTIONS, scanSeries } from '../src/scan/series-scan.js';
import { buildCatalog } from '../src/signals/catalog.js';
import { createSimulatedFleet } from '../src/simulator/index.js';

const { values: args } = parseArgs({ options: { clusters: { type: 'string', default: '1400' }, days: { type: 'string', default: '7' }, json: { type: 'boolean' } } });
const fleet = createSimulatedFleet({ clusters: Number(args.clusters), days: Number(args.days) });
const catalog = buildCatalog();
const points = (fleet.rangeMs.endMs - fleet.rangeMs.startMs) / (fleet.stepSeconds * 1000);
const buf = new Float64Array(points);
const scores = new Float64Array(points);
const pairs = COMPONENTS.flatMap((component) => SIGNALS.map((signal) => ({ component, signal, entry: catalog.entriesFor(signal, component)[0] })))
  .filter((p) => p.entry);

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

let genMs = 0;
let detectMs = 0;
let samples = 0;
let findings = 0;
let scorerMs = 0;
let scorerSamples = 0;
let k = 0;
for (const c of fleet.clusters) {
  for (const { component, signal, entry } of pairs) {
    const t0 = cpuMs();
    fleet.seriesValuesInto(buf, c.id, component, signal);
    const t1 = cpuMs();
    const spec = { cluster: c.id, component, signal, badDirection: entry.badDirection, slo: signal === 'availability' ? entry.slo : undefined };
    const r = scanSeries(spec, buf, fleet.rangeMs.startMs, undefined, { stepSeconds: fleet.stepSeconds, newFromMs: fleet.rangeMs.startMs, runId: 'bench', ...DEFAULT_SCAN_OPTIONS });
    detectMs += cpuMs() - t1;
    genMs += t1 - t0;
    samples += points;
    findings += r.findings.length;
    // the causal scorer alone (construct, score, save state) on every 10th series: its share of detection
    // (scoreInto, as the scan calls it: push() per value also runs the discord's pass per value)
    if (k++ % 10 === 0) {
      const t2 = cpuMs();
      const scorer = new CausalScorer({ stepSeconds: fleet.stepSeconds });
      scorer.scoreInto(buf, scores);
      scorer.exportState(); // as the scan saves it
      scorerMs += cpuMs() - t2;
      scorerSamples += points;
    }
  }
}
const rssMiB = process.resourceUsage().maxRSS / 1024;
const alloc = await heapPerSample();
const result = { clusters: fleet.clusters.length, series: fleet.clusters.length * pairs.length, samples, detectSeconds: detectMs / 1000, generateSeconds: genMs / 1000, samplesPerSecond: samples / (detectMs / 1000), peakRssMiB: rssMiB, findings, scorerSamplesPerSecond: scorerSamples / (scorerMs / 1000), scorerShare: (scorerMs / scorerSamples) / (detectMs / samples), ...alloc };
if (args.json) console.log(JSON.stringify(result));
else console.log(`detect: ${result.series.toLocaleString()} series, ${samples.toLocaleString()} samples in ${result.detectSeconds.toFixed(1)} s = ${(result.samplesPerSecond / 1e6).toFixed(2)} M samples/s per core (generation ${result.generateSeconds.toFixed(1)} s excluded); peak RSS ${rssMiB.toFixed(0)} MiB; ${findings} findings; CausalScorer alone ${(result.scorerSamplesPerSecond / 1e6).toFixed(2)} M samples/s = ${(result.scorerShare * 100).toFixed(0)}% of detection time; JS heap allocated ${alloc.scorerBytesPerSample.toFixed(1)} bytes per sample by the CausalScorer, ${alloc.scanBytesPerSample.toFixed(1)} by all of detection (states and findings included)`);

/**
 * JS heap allocated per sample, from V8's sampling heap profiler (objects freed by either GC
 * included), over the first 100 clusters' series again: by the CausalScorer alone (a fresh scorer
 * per series, its state exported) and by the whole detection (scanSeries). Typed arrays' contents
 * are outside the JS heap and not counted; their objects are.
 */
async function heapPerSample(): Promise<{ scorerBytesPerSample: number; scanBytesPerSample: number }> {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  const measure = async (work: (values: Float64Array, spec: Parameters<typeof scanSeries>[0]) => void): Promise<number> => {
    await session.post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    let n = 0;
    for (const c of fleet.clusters.slice(0, 100)) {
      for (const { component, signal, entry } of pairs) {
        fleet.seriesValuesInto(buf, c.id, component, signal);
        work(buf, { cluster: c.id, component, signal, badDirection: entry.badDirection, slo: signal === 'availability' ? entry.slo : undefined });
        n += points;
      }
    }
    const { profile } = await session.post('HeapProfiler.stopSampling');
    // allocations by the simulator that generates the values are not detection's
    const bytes = (node: typeof profile.head, inSimulator: boolean): number => {
      const sim = inSimulator || node.callFrame.url.includes('/simulator/');
      return (sim ? 0 : node.selfSize) + node.children.reduce((sum, child) => sum + bytes(child, sim), 0);
    };
    return bytes(profile.head, false) / n;
  };
  const scorerBytesPerSample = await measure((values) => {
    const scorer = new CausalScorer({ stepSeconds: fleet.stepSeconds });
    scorer.scoreInto(values, scores);
    scorer.exportState();
  });
  const scanBytesPerSample = await measure((values, spec) => {
    scanSeries(spec, values, fleet.rangeMs.startMs, undefined, { stepSeconds: fleet.stepSeconds, newFromMs: fleet.rangeMs.startMs, runId: 'bench', ...DEFAULT_SCAN_OPTIONS });
  });
  session.disconnect();
  return { scorerBytesPerSample, scanBytesPerSample };
}
