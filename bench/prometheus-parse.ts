/**
 * Client-side cost of a big range answer: 1,400 series × 2,016 points (7 days at 5 minutes),
 * served by a local server, read by prometheus-query, by plain fetch + JSON.parse, and by the
 * lean client (node:http, bytes straight into Float64Array). The transfer alone is measured both
 * ways (fetch + text, node:http bytes); parsing shares are over the lean client's own transport.
 * Run: npx tsx bench/prometheus-parse.ts
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDriverRangeClient } from '../src/adapters/metrics/prometheus/driver-client.js';
import { nodeHttpPost } from '../src/adapters/metrics/prometheus/http-post.js';
import { createLeanRangeClient, leanTransport } from '../src/adapters/metrics/prometheus/lean-client.js';
import { systemClock } from '../src/core/clock.js';

const SERIES = Number(process.argv[2] ?? 1400);
const POINTS = 2016;
const STEP = 300;
const START = 1_748_390_400; // 2025-05-28T00:00:00Z, seconds
const RUNS = 3;

function answer(): string {
  const result = Array.from({ length: SERIES }, (_, s) => ({
    metric: { cluster: `cluster-${String(s).padStart(4, '0')}` },
    values: Array.from({ length: POINTS }, (_, i) => [START + i * STEP, String(0.999 - ((s * 7 + i * 13) % 1000) / 1e6)]),
  }));
  return JSON.stringify({ status: 'success', data: { resultType: 'matrix', result } });
}

async function median(label: string, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(`${label.padEnd(34)} ${times.map((t) => t.toFixed(0).padStart(6)).join(' ')} ms   median ${times[1].toFixed(0)} ms`);
  return times[1];
}

/** The server runs in its own process so that serving 70 MB does not steal the client's thread. */
async function serve(): Promise<void> {
  const body = answer();
  const server = createServer((req, res) => { req.resume(); req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(body)); });
  server.keepAliveTimeout = 600_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  process.stdout.write(`${(server.address() as AddressInfo).port} ${Buffer.byteLength(body)}\n`);
}

async function startServer(): Promise<{ baseUrl: string; bytes: number; stop: () => void }> {
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1], String(SERIES), '--serve'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve) => child.stdout.once('data', (c: Buffer) => resolve(c.toString())));
  const [port, bytes] = line.trim().split(' ').map(Number);
  return { baseUrl: `http://127.0.0.1:${port}`, bytes, stop: () => child.kill() };
}

async function main(): Promise<void> {
  const { baseUrl, bytes, stop } = await startServer();
  const q = { promql: 'x', startMs: START * 1000, endMs: (START + (POINTS - 1) * STEP) * 1000, stepSeconds: STEP };
  const signal = new AbortController().signal;
  console.log(`answer: ${SERIES} series × ${POINTS} points = ${(SERIES * POINTS / 1e6).toFixed(2)} M samples, ${(bytes / 1e6).toFixed(1)} MB; ${RUNS} runs each`);
  const fetchTransfer = await median('fetch + text (transfer only)', async () => (await fetch(`${baseUrl}/api/v1/query_range`, { method: 'POST' })).text());
  const transfer = await median('node:http bytes (transfer only)', () => nodeHttpPost(new URL(`${baseUrl}/api/v1/query_range`), {}, '', signal));
  const plain = await median('fetch + JSON.parse', async () => JSON.parse(await (await fetch(`${baseUrl}/api/v1/query_range`, { method: 'POST' })).text()));
  const lean = await median('lean (node:http → Float64Array)', () => createLeanRangeClient({ baseUrl }, leanTransport({ baseUrl, clock: systemClock, compression: 'gzip' }))(q, signal));
  const driver = await median('prometheus-query (+ align)', () => createDriverRangeClient({ baseUrl, timeoutMs: 600_000 }, systemClock)(q, signal));
  console.log(`client-side share over transfer: JSON.parse ${(plain - fetchTransfer).toFixed(0)} ms (over fetch + text), lean ${(lean - transfer).toFixed(0)} ms, prometheus-query ${(driver - transfer).toFixed(0)} ms`);
  console.log(`prometheus-query / lean = ${(driver / lean).toFixed(2)}×; parsing share of prometheus-query path: ${(100 * (driver - transfer) / driver).toFixed(0)} %, of lean path: ${(100 * (lean - transfer) / lean).toFixed(0)} %`);
  stop();
}

await (process.argv.includes('--serve') ? serve() : main());
