import { describe, expect, it } from 'vitest';
import { createStore } from '../../src/adapters/store/index.js';
import { fixedClock } from '../../src/core/clock.js';
import { ConfigError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { runJob } from '../../src/core/run-job.js';

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
