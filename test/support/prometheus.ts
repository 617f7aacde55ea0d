/**
 * A real Prometheus for integration tests: write OpenMetrics, backfill it with promtool, start
 * `prometheus` on 127.0.0.1 with no scrape targets, stop it and remove its data.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PROMETHEUS_UNAVAILABLE_MESSAGE = 'prometheus/promtool not on PATH: install the Debian package `prometheus` to run these integration tests';

/** Whether `prometheus` and `promtool` can run here (synchronous, for `describe.skipIf`). */
export function prometheusAvailable(): boolean {
  return ['prometheus', 'promtool'].every((bin) => spawnSync(bin, ['--version'], { stdio: 'ignore' }).status === 0);
}

export interface TestPrometheus {
  url: string;
  dir: string;
  stop(): Promise<void>;
}

/** A temp dir holding `data/` backfilled from the OpenMetrics text (must end with `# EOF`). */
export function backfillOpenMetrics(openMetrics: string | Iterable<string>, dir = tempPrometheusDir()): string {
  const file = join(dir, 'data.om');
  writeFileSync(file, typeof openMetrics === 'string' ? openMetrics : [...openMetrics].join(''));
  return backfillOpenMetricsFile(file, dir);
}

export function tempPrometheusDir(): string {
  return mkdtempSync(join(tmpdir(), 'fleetops-prom-'));
}

/** Backfill an OpenMetrics file (written by a stream, say) into `dir/data`, then delete the file. */
export function backfillOpenMetricsFile(file: string, dir: string): string {
  const res = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', '-q', '--max-block-duration=200h', file, join(dir, 'data')], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`promtool backfill failed: ${res.stderr || res.stdout}`);
  rmSync(file);
  return dir;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Start Prometheus over `dir/data` (e.g. from backfillOpenMetrics); extra flags such as `--query.max-samples=N`. */
export async function startTestPrometheus(dir: string, extraFlags: string[] = []): Promise<TestPrometheus> {
  writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1m\nscrape_configs: []\n');
  const port = await freePort();
  const child = spawn('prometheus', [
    `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, '--storage.tsdb.retention.time=3650d',
    `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn', ...extraFlags,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => { stderr = (stderr + c.toString()).slice(-4000); });
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url, child, () => stderr);
  return { url, dir, stop: () => stop(child, dir) };
}

async function waitReady(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}: ${stderr()}`);
    const ok = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`prometheus not ready within 30 s: ${stderr()}`);
}

async function stop(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
}
