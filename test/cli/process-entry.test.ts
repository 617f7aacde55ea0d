import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { guardedWriter } from '../../src/cli/default-io.js';
import { runsInStore, useSilentPrometheus } from './cli-fixtures.js';

let out: string;
beforeEach(() => { out = mkdtempSync(join(tmpdir(), 'fleetops-entry-')); });
afterEach(() => rmSync(out, { recursive: true, force: true }));

const ENV = { ...process.env, FLEETOPS_CONFIG: '' };

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((ok) => child.on('exit', (code, signal) => ok({ code, signal })));
}

function collect(stream: NodeJS.ReadableStream | null): () => string {
  let text = '';
  stream?.on('data', (d) => { text += d; });
  return () => text;
}

describe('the fleetops binary (src/cli/main.ts, package.json bin) with its stdout closed early', () => {
  it('ends the output quietly when the reader goes away (`| head -1`) and keeps the command\'s exit code', async () => {
    // about 0.9 MB of YAML: far more than a pipe holds, so the write meets the closed pipe
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'simulate', 'inventory', '--out', out], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    const stderr = collect(child.stderr);
    const exited = exitOf(child);
    child.stdout!.once('data', () => child.stdout!.destroy());

    const end = await exited;

    // before: an unhandled 'error' event (write EPIPE) with its stack trace, exit 1
    expect(stderr()).toBe('');
    expect(end).toEqual({ code: 0, signal: null });
  }, 60_000);

  it.skipIf(!existsSync('/dev/full'))('exits 1 naming the error when the output cannot be written (a full disk)', async () => {
    const full = openSync('/dev/full', 'w');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'config', 'validate', '--out', out], { env: ENV, stdio: ['ignore', full, 'pipe'] });
    closeSync(full);
    const stderr = collect(child.stderr);

    const end = await exitOf(child);

    expect(stderr()).toBe('fleetops: cannot write the output: ENOSPC\n');
    expect(end).toEqual({ code: 1, signal: null });
  }, 60_000);
});

describe('guardedWriter', () => {
  function fakeStream(): EventEmitter & { written: string[]; write(t: string): boolean } {
    return Object.assign(new EventEmitter(), { written: [] as string[], write(this: { written: string[] }, t: string) { this.written.push(t); return true; } });
  }

  it('drops what follows an EPIPE without reporting it', () => {
    const stream = fakeStream();
    const reported: string[] = [];
    const w = guardedWriter(stream, (err) => reported.push(String(err.code)));

    w.write('a');
    stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    w.write('b');

    expect(stream.written).toEqual(['a']);
    expect(reported).toEqual([]);
    expect(w.error()?.code).toBe('EPIPE');
  });

  it('reports another error once, also one thrown by write itself', () => {
    const stream = Object.assign(fakeStream(), { write: () => { throw Object.assign(new Error('no space'), { code: 'ENOSPC' }); } });
    const reported: string[] = [];
    const w = guardedWriter(stream, (err) => reported.push(String(err.code)));

    w.write('a');
    stream.emit('error', Object.assign(new Error('no space'), { code: 'ENOSPC' }));
    w.write('b');

    expect(reported).toEqual(['ENOSPC']);
  });
});

describe('jobs/*.ts: the CronJob entries', () => {
  it('each goes through the CLI binary\'s process entry (runCliProcess), not main() directly', () => {
    const entries = readdirSync('jobs').filter((f) => f.endsWith('.ts'));

    expect(entries.length).toBeGreaterThan(0);
    for (const f of entries) {
      const code = readFileSync(join('jobs', f), 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('//'));
      expect(code, f).toEqual([
        "import { runCliProcess } from '../src/cli/main.js';",
        expect.stringMatching(/^await runCliProcess\(\[('[a-z-]+', )+\.\.\.process\.argv\.slice\(2\)\]\);$/),
      ]);
    }
  });

  describe('jobs/fleet-scan.ts told to stop', () => {
    // a Prometheus that takes every query and never answers: the scan is busy until it is stopped
    const port = useSilentPrometheus();

    it('SIGTERM records the run as interrupted and exits 1, as the binary does', async () => {
      const config = join(out, 'fleetops.yaml');
      writeFileSync(config, `simulator:\n  clusters: 5\n  days: 1\nmetrics:\n  kind: prometheus\n  prometheus:\n    url: http://127.0.0.1:${port()}\n    timeoutMs: 600000\n    retries: 0\nlogs:\n  kind: none\nevents:\n  kind: none\nchanges:\n  kind: none\n`);
      const child = spawn(process.execPath, ['--import', 'tsx', 'jobs/fleet-scan.ts', '--config', config, '--out', out], {
        env: { ...ENV, FLEETOPS__LOGLEVEL: 'info' }, stdio: ['ignore', 'ignore', 'pipe'],
      });
      const stderr = collect(child.stderr);
      const exited = exitOf(child);
      await vi.waitFor(() => expect(stderr()).toContain('"job started"'), { timeout: 30_000, interval: 50 });

      child.kill('SIGTERM');
      const end = await exited;

      // before: the process died by the signal (code null) and its run stayed 'running'
      expect(end).toEqual({ code: 1, signal: null });
      expect(stderr()).toContain('SIGTERM: interrupting 1 running job(s)');
      expect(await runsInStore(out)).toMatchObject([{ job: 'fleet-scan', status: 'failed', exitCode: 1, summary: { interrupted: 'SIGTERM' } }]);
    }, 60_000);
  });
});
