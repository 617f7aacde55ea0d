import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStore } from '../../src/adapters/store/index.js';
import { fixedClock } from '../../src/core/clock.js';
import { ConfigError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { INTERRUPT_WRAP_UP_MS, interruptRunningJobs, runJob } from '../../src/core/run-job.js';

async function memoryStore() {
  const store = await createStore({ kind: 'sqlite', path: ':memory:' });
  await store.migrate();
  return store;
}

const base = { job: 'test-job', logger: silentLogger, clock: fixedClock(Date.UTC(2026, 10, 30)), deadlineSeconds: 60 };

describe('runJob', () => {
  it.each([
    ['a clean run', async () => ({ n: 1 }), 0, 'ok'],
    ['a run with a failed part', async (ctx: { fail(p: string, e: unknown): void }) => { ctx.fail('cluster:a', new Error('boom')); return {}; }, 1, 'partial'],
    ['a runtime error', async () => { throw new Error('down'); }, 1, 'failed'],
    ['bad configuration', async () => { throw new ConfigError('bad'); }, 2, 'bad-input'],
  ])('records %s with the right exit code and status', async (_case, body, exitCode, status) => {
    const store = await memoryStore();

    const result = await runJob({ ...base, store }, body as never);
    const run = await store.runs.get(result.runId);

    expect(result.exitCode).toBe(exitCode);
    expect(run?.status).toBe(status);
    expect(run?.exitCode).toBe(exitCode);
    await store.close();
  });

  it('aborts the deadline signal and reports it', async () => {
    const result = await runJob({ ...base, deadlineSeconds: 0.05 }, async (ctx) => {
      await new Promise((_ok, fail) => ctx.signal.addEventListener('abort', () => fail(ctx.signal.reason)));
      return {};
    });

    expect(result.exitCode).toBe(1);
    expect(result.failures[0].message).toContain('deadline of 0.05s exceeded');
  });

  it('keeps the run id and job name on every failure record', async () => {
    const result = await runJob(base, async (ctx) => {
      ctx.fail('signal:latency_p99', new Error('422'));
      return {};
    });

    expect(result.runId).toMatch(/^test-job-20261130T000000Z-[0-9a-f]{6}$/);
    expect(result.failures).toEqual([{ part: 'signal:latency_p99', message: '422' }]);
  });
});

/** A logger that keeps its lines. */
function capturingLogger() {
  const lines: { msg?: string; err?: unknown }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => { lines.push(JSON.parse(line) as { msg?: string; err?: unknown }); } });
  return { lines, logger };
}

describe('runJob logging a job that threw', () => {
  it('logs a config error raised mid-run as its message without a stack, exits 2 and records the run', async () => {
    const store = await memoryStore();
    const { lines, logger } = capturingLogger();
    const message = '/etc/fleetops/inventory.yaml:7: cluster id c-eu-1 is already listed on line 3';

    const result = await runJob({ ...base, logger, store }, async () => { throw new ConfigError(message); });
    const run = await store.runs.get(result.runId);
    const failed = lines.filter((l) => l.msg === 'job failed');

    // before: { err: { type: 'ConfigError', message, stack: 'ConfigError: … at …' } }
    expect(failed).toHaveLength(1);
    expect(failed[0].err).toBe(message);
    expect(JSON.stringify(lines)).not.toMatch(/stack|\bat .*run-job/);
    expect(result.exitCode).toBe(2);
    expect(result.failures).toEqual([{ part: 'job', message }]);
    expect(run).toMatchObject({ status: 'bad-input', exitCode: 2, summary: { failures: [{ part: 'job', message }] } });
    await store.close();
  });

  it('keeps the stack of any other error', async () => {
    const store = await memoryStore();
    const { lines, logger } = capturingLogger();

    const result = await runJob({ ...base, logger, store }, async () => { throw new Error('socket hang up'); });
    const run = await store.runs.get(result.runId);
    const failed = lines.find((l) => l.msg === 'job failed');

    expect(failed?.err).toMatchObject({ type: 'Error', message: 'socket hang up', stack: expect.stringContaining('run-job.test.ts') });
    expect(result.exitCode).toBe(1);
    expect(run).toMatchObject({ status: 'failed', exitCode: 1, summary: { failures: [{ part: 'job', message: 'socket hang up' }] } });
    await store.close();
  });
});

describe('runJob interrupted by a shutdown', () => {
  afterEach(() => { vi.useRealTimers(); });

  it('aborts the job signal and records the run as interrupted, not running', async () => {
    const store = await memoryStore();

    const running = runJob({ ...base, store }, async (ctx) => {
      await new Promise((_ok, fail) => ctx.signal.addEventListener('abort', () => fail(ctx.signal.reason)));
      return {};
    });
    await vi.waitFor(() => expect(interruptRunningJobs('SIGTERM')).toBe(1));
    const result = await running;
    const run = await store.runs.get(result.runId);

    expect(result.exitCode).toBe(1);
    expect(result.failures).toEqual([{ part: 'job', message: 'interrupted: SIGTERM' }]);
    expect(run).toMatchObject({ status: 'failed', exitCode: 1, summary: { interrupted: 'SIGTERM' } });
    expect(interruptRunningJobs('again')).toBe(0);
    await store.close();
  });

  it('records an interrupted run whose job wrapped up and returned as interrupted too', async () => {
    const store = await memoryStore();

    const running = runJob({ ...base, store }, async (ctx) => {
      await new Promise((ok) => ctx.signal.addEventListener('abort', ok));
      ctx.fail('cluster:a', ctx.signal.reason);
      return { clusters: 1 };
    });
    await vi.waitFor(() => expect(interruptRunningJobs('SIGTERM')).toBe(1));
    const result = await running;

    expect(result.exitCode).toBe(1);
    expect(result.failures.map((f) => f.part)).toEqual(['cluster:a', 'job']);
    expect(await store.runs.get(result.runId)).toMatchObject({ status: 'failed', summary: { clusters: 1, interrupted: 'SIGTERM' } });
    await store.close();
  });

  it('stops waiting for a job that ignores the interrupt after the wrap-up time and records it', async () => {
    const store = await memoryStore();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });

    const running = runJob({ ...base, store }, () => new Promise(() => {}));
    await vi.waitFor(() => expect(interruptRunningJobs('SIGTERM')).toBe(1));
    await vi.advanceTimersByTimeAsync(INTERRUPT_WRAP_UP_MS);
    const result = await running;

    expect(result.failures).toEqual([{ part: 'job', message: 'interrupted: SIGTERM' }]);
    expect((await store.runs.get(result.runId))?.status).toBe('failed');
    await store.close();
  });
});

describe('runJob and runs left running by a killed process', () => {
  const now = base.clock.nowMs();

  it('closes a run of the same job left running past its deadline, and leaves live runs and other jobs alone', async () => {
    const store = await memoryStore();
    await store.runs.start({ id: 'killed', job: 'test-job', startedAtMs: now - 3 * 3_600_000, status: 'running', shard: '0/2' });
    await store.runs.start({ id: 'live-shard', job: 'test-job', startedAtMs: now - 30_000, status: 'running', shard: '1/2' });
    await store.runs.start({ id: 'other-job', job: 'digest', startedAtMs: now - 3 * 3_600_000, status: 'running' });

    const result = await runJob({ ...base, store }, async () => ({}));

    expect(result.exitCode).toBe(0);
    expect(await store.runs.get('killed')).toMatchObject({
      status: 'failed', exitCode: 1, finishedAtMs: now - 3 * 3_600_000 + 60_000,
      summary: { stale: true, failures: [{ part: 'job', message: expect.stringMatching(/^no end recorded: the run was still running at its deadline \(2026-11-29T21:01:00\.000Z\) and was killed or lost; found by test-job-/) }] },
    });
    expect((await store.runs.get('live-shard'))?.status).toBe('running');
    expect((await store.runs.get('other-job'))?.status).toBe('running');
    await store.close();
  });

  it('keeps a run within the deadline it recorded at its start, though this run\'s deadline is shorter', async () => {
    const store = await memoryStore();
    const finalize = { ...base, store, deadlineSeconds: 510 };
    const scan = { ...base, store, deadlineSeconds: 2370, clock: fixedClock(now - 1_800_000) };
    const shard = runJob(scan, (ctx) => new Promise((ok) => ctx.signal.addEventListener('abort', () => ok({}))));
    await vi.waitFor(async () => expect(await store.runs.list({ job: 'test-job', limit: 5 })).toHaveLength(1));

    await runJob(finalize, async () => ({}));
    const [, scanRun] = await store.runs.list({ job: 'test-job', limit: 5 });

    expect(scanRun).toMatchObject({ startedAtMs: now - 1_800_000, status: 'running' });
    interruptRunningJobs('test over');
    await shard;
    await store.close();
  });
});
