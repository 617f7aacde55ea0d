import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulatedFleet, exportOpenMetrics, EXPORT_PROMQL_HINTS } from '../../src/simulator/index.js';
import { COMPONENTS, SIGNALS } from '../../src/fleet/types.js';

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*\})? (-?(?:\d+(?:\.\d*)?(?:e[+-]?\d+)?|\+Inf|NaN)) (\d+)$/;
const hasPromtool = spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' }).status === 0;

describe('OpenMetrics export (3 clusters × 1 day)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetops-om-'));
  const file = join(dir, 'data.om');
  const fleet = createSimulatedFleet({ clusters: 60 });
  const ids = [fleet.groundTruth.find((s) => s.kind === 'noisy-neighbour-dns')!.clusters[0], fleet.groundTruth.find((s) => s.kind === 'cert-expiry')!.clusters[0], fleet.clusters[0].id];
  let stats: Awaited<ReturnType<typeof exportOpenMetrics>>;

  beforeAll(async () => {
    const out = createWriteStream(file);
    stats = await exportOpenMetrics(fleet, { clusterIds: ids, days: 1, write: out });
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }, 180_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is well formed: grammar, # TYPE before samples, ascending time per series, counters monotonic but for rare resets, # EOF last', async () => {
    const types = new Map<string, string>();
    const last = new Map<string, { ts: number; v: number }>();
    let current = '';
    let lastLine = '';
    let samples = 0;
    let resets = 0;
    const bad: string[] = [];
    for await (const line of createInterface({ input: createReadStream(file) })) {
      lastLine = line;
      if (line.startsWith('# TYPE ')) {
        const [, , name, type] = line.split(' ');
        if (types.has(name)) bad.push(`family ${name} declared twice`);
        types.set(name, type);
        current = name;
        continue;
      }
      if (line === '# EOF') continue;
      const m = SAMPLE.exec(line);
      if (!m) { bad.push(line); continue; }
      samples++;
      const [, name, labels = '', value, ts] = m;
      if (!name.startsWith(current)) bad.push(`${name} outside its family ${current}`);
      const key = name + labels;
      const prev = last.get(key);
      const v = Number(value);
      if (prev) {
        if (Number(ts) <= prev.ts) bad.push(`${key} not ascending at ${ts}`);
        const monotone = types.get(current) === 'counter' || types.get(current) === 'histogram' || /_(total|count|sum)$/.test(name) || types.get(current) === 'unknown';
        if (monotone && v < prev.v) {
          resets++;
          if (v >= prev.v / 2) bad.push(`${key} drops to ${v} from ${prev.v}`);
        }
      }
      last.set(key, { ts: Number(ts), v });
    }

    expect(bad.slice(0, 3)).toEqual([]);
    expect(lastLine).toBe('# EOF');
    expect(samples).toBe(stats.samples);
    expect(resets).toBeGreaterThan(0);
    expect(resets).toBeLessThan(samples / 1000);
    for (const name of ['ALERTS', 'kube_pod_container_info', 'coredns_dns_request_duration_seconds', 'node_filesystem_avail_bytes', 'apiserver_request', 'istio_requests']) expect(types.has(name), name).toBe(true);
  }, 120_000);

  it('documents a PromQL for every golden signal of every component (kubelet network excepted)', () => {
    for (const c of COMPONENTS) for (const s of SIGNALS) {
      if (c === 'kubelet' && s === 'network_saturation') continue;
      expect(EXPORT_PROMQL_HINTS[c]?.[s], `${c} ${s}`).toBeTruthy();
    }
  });

  it.runIf(hasPromtool)('is accepted by promtool tsdb create-blocks-from openmetrics', () => {
    execFileSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', '-q', '--max-block-duration=200h', file, join(dir, 'blocks')], { stdio: 'pipe' });
  }, 180_000);

  if (!hasPromtool) it.skip('promtool not on PATH (Debian package `prometheus`): the export is not checked with promtool', () => {});
});
