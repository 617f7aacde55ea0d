import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { interruptOnSignals, type SignalTarget } from '../../src/cli/interrupt-on-signal.js';
import { acceptNewRuns, runJob } from '../../src/core/run-job.js';
import { systemClock } from '../../src/core/clock.js';
import { createLogger } from '../../src/core/logger.js';
import { runsInStore, useSilentPrometheus } from './cli-fixtures.js';

let out: string;
beforeEach(async () => {
  out = mkdtempSync(join(tmpdir(), 'fleetops-sigterm-'));
});
afterEach(() => {
  rmSync(out, { recursive: true, force: true });
});
// a Prometheus that takes every query and never answers: the scan is busy until it is stopped
const port = useSilentPrometheus();

describe('a one-job process (CronJob pod) told to stop', () => {
  it('SIGTERM interrupts the running scan, records its run as interrupted and exits 1', async () => {
    const config = join(out, 'fleetops.yaml');
    writeFileSync(config, `simulator:\n  clusters: 5\n  days: 1\nmetrics:\n  kind: prometheus\n  prometheus:\n    url: http://127.0.0.1:${port()}\n    timeoutMs: 600000\n    retries: 0\nlogs:\n  kind: none\nevents:\n  kind: none\nchanges:\n  kind: none\n`);
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'scan', '--config', config, '--out', out], {
      env: { ...process.env, FLEETOPS_CONFIG: '', FLEETOPS__LOGLEVEL: 'info' }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok) => child.on('exit', (code, signal) => ok({ code, signal })));
    await vi.waitFor(() => expect(stderr).toContain('"job started"'), { timeout: 30_000, interval: 50 });

    child.kill('SIGTERM');
    const end = await exited;

    // before: the process died by the signal (code null) and its run stayed 'running'
    expect(end).toEqual({ code: 1, signal: null });
    expect(stderr).toContain('SIGTERM: interrupting 1 running job(s)');
    const runs = await runsInStore(out);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'failed', exitCode: 1, summary: { interrupted: 'SIGTERM' } });
  }, 60_000);
});

describe('interruptOnSignals', () => {
  afterEach(() => acceptNewRuns());

  function fakeProcess(): SignalTarget & { emit(signal: NodeJS.Signals): void; exits: number[]; listeners: Map<string, Set<(s: NodeJS.Signals) => void>> } {
    const listeners = new Map<string, Set<(s: NodeJS.Signals) => void>>([['SIGTERM', new Set()], ['SIGINT', new Set()]]);
    const exits: number[] = [];
    return {
      listeners,
      exits,
      once(event, l) {
        const wrapped = (s: NodeJS.Signals) => { listeners.get(event)!.delete(wrapped); l(s); };
        (wrapped as { inner?: unknown }).inner = l;
        listeners.get(event)!.add(wrapped);
      },
      off(event, l) {
        for (const w of listeners.get(event)!) if ((w as { inner?: unknown }).inner === l) listeners.get(event)!.delete(w);
      },
      exit(code) { exits.push(code); },
      emit(signal) { for (const l of [...listeners.get(signal)!]) l(signal); },
    };
  }

  it('with no job running exits at once with 128 + the signal number', () => {
    const proc = fakeProcess();
    const lines: string[] = [];
    interruptOnSignals(proc, (t) => lines.push(t));

    proc.emit('SIGINT');

    expect(proc.exits).toEqual([130]);
    expect(lines.join('')).toContain('no job running');
  });

  it('interrupts a running job, refuses the next one, and a second signal exits at once', async () => {
    const proc = fakeProcess();
    const lines: string[] = [];
    const handle = interruptOnSignals(proc, (t) => lines.push(t));
    const logger = createLogger({ level: 'silent' });
    let seen: AbortSignal | undefined;
    const first = runJob({ job: 'first', logger, clock: systemClock, deadlineSeconds: 60 }, (ctx) => {
      seen = ctx.signal;
      return new Promise((_ok, fail) => ctx.signal.addEventListener('abort', () => fail(ctx.signal.reason)));
    });
    await vi.waitFor(() => expect(seen).toBeDefined());

    proc.emit('SIGTERM');
    const result = await first;
    let ranSecond = false;
    const second = await runJob({ job: 'second', logger, clock: systemClock, deadlineSeconds: 60 }, async () => { ranSecond = true; return {}; });

    expect(handle.signalled()).toBe(true);
    expect(result.exitCode).toBe(1);
    expect(result.failures).toEqual([{ part: 'job', message: 'interrupted: SIGTERM' }]);
    expect(ranSecond).toBe(false);
    expect(second.failures).toEqual([{ part: 'job', message: 'interrupted: SIGTERM' }]);
    expect(proc.exits).toEqual([]);

    proc.emit('SIGTERM');
    expect(proc.exits).toEqual([143]);
  });
});
