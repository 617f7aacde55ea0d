import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStore } from '../../src/adapters/store/index.js';
import { fixedClock } from '../../src/core/clock.js';
import { ConfigError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { createScheduler } from '../../src/core/scheduler.js';
import { interruptRunningJobs, runJob, type JobContext } from '../../src/core/run-job.js';
import type { JobSchedule } from '../../src/core/schedules.js';

const schedule = (job: string): JobSchedule => ({
  job, args: [job], cron: '0 3 1 1 *', timeZone: 'Etc/UTC', activeDeadlineSeconds: 60, startingDeadlineSeconds: 60, intervalSeconds: 3600, description: job,
});

function deferred() {
  let resolve!: (v: number) => void;
  const promise = new Promise<number>((r) => { resolve = r; });
  return { promise, resolve };
}

describe('in-process scheduler', () => {
  it('never overlaps two runs of the same job but runs different jobs side by side', async () => {
    const gate = deferred();
    const calls: string[] = [];
    const s = createScheduler({ schedules: [schedule('a'), schedule('b')], logger: silentLogger, run: async (x) => { calls.push(x.job); return x.job === 'a' ? gate.promise : 0; } });

    const first = s.trigger('a');
    const second = await s.trigger('a');
    const other = await s.trigger('b');
    gate.resolve(0);

    expect(second).toBe('skipped');
    expect(other).toBe(0);
    expect(await first).toBe(0);
    expect(calls).toEqual(['a', 'b']);
  });

  it('on stop waits for the running job to finish', async () => {
    const gate = deferred();
    const s = createScheduler({ schedules: [schedule('a')], logger: silentLogger, run: () => gate.promise });
    s.start();
    void s.trigger('a');

    setTimeout(() => gate.resolve(0), 50);
    const left = await s.stop(5000);

    expect(left).toEqual([]);
    expect(s.running()).toEqual([]);
  });

  it('reports a job still running when the grace period ends', async () => {
    const s = createScheduler({ schedules: [schedule('a')], logger: silentLogger, run: () => new Promise(() => {}) });
    void s.trigger('a');

    expect(await s.stop(20)).toEqual(['a']);
  });

  it('interrupts a job still running when the grace period ends and lets it record its run as interrupted', async () => {
    const store = await createStore({ kind: 'sqlite', path: ':memory:' });
    await store.migrate();
    let runId = '';
    const body = (ctx: JobContext) => new Promise<Record<string, unknown>>((_ok, fail) => {
      runId = ctx.runId;
      ctx.signal.addEventListener('abort', () => fail(ctx.signal.reason));
    });
    const run = async () => (await runJob({ job: 'a', logger: silentLogger, clock: fixedClock(Date.UTC(2026, 10, 30)), deadlineSeconds: 600, store }, body)).exitCode;
    const s = createScheduler({ schedules: [schedule('a')], logger: silentLogger, run, interrupt: interruptRunningJobs });
    const code = s.trigger('a');
    await vi.waitFor(() => expect(runId).not.toBe(''));

    const left = await s.stop(20, 5000);

    expect(left).toEqual([]);
    expect(await code).toBe(1);
    expect(await store.runs.get(runId)).toMatchObject({ status: 'failed', exitCode: 1, summary: { interrupted: 'still running when the grace period of 0.02 s after the stop ended' } });
    await store.close();
  });

  it('interrupts nothing when the running job finishes within the grace period', async () => {
    const gate = deferred();
    const interrupt = vi.fn();
    const s = createScheduler({ schedules: [schedule('a')], logger: silentLogger, run: () => gate.promise, interrupt });
    void s.trigger('a');

    setTimeout(() => gate.resolve(0), 20);
    const left = await s.stop(5000);

    expect(left).toEqual([]);
    expect(interrupt).not.toHaveBeenCalled();
  });

  it('turns a throwing job into exit 1 and frees the slot', async () => {
    const s = createScheduler({ schedules: [schedule('a')], logger: silentLogger, run: async () => { throw new Error('boom'); } });

    expect(await s.trigger('a')).toBe(1);
    expect(s.running()).toEqual([]);
  });
});

/** A pino logger whose JSON lines land in `lines`. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } }));
  return { lines, logger };
}

const everyMinute = (job: string): JobSchedule => ({ ...schedule(job), cron: '* * * * *' });

describe('in-process scheduler on node-cron ticks', () => {
  afterEach(() => { vi.useRealTimers(); });

  it('logs the tick it skips while the previous run of the job is still going, with the job', async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1, 0, 0, 30) });
    const { lines, logger } = capture();
    const gate = deferred();
    let runs = 0;
    const s = createScheduler({ schedules: [everyMinute('slow-scan')], logger, run: () => { runs++; return gate.promise; } });
    s.start();

    await vi.advanceTimersByTimeAsync(30_000);
    await vi.advanceTimersByTimeAsync(60_000);
    gate.resolve(0);
    await s.stop(1000);

    expect(runs).toBe(1);
    expect(lines.filter((l) => l.msg === 'previous run still going; skipped')).toMatchObject([{ job: 'slow-scan', level: 40 }]);
  });

  it('still runs a tick that fires late because another job kept the process busy, within the starting deadline', async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1, 0, 0, 30) });
    const { logger } = capture();
    const ran: number[] = [];
    const s = createScheduler({ schedules: [everyMinute('proposals')], logger, run: async () => { ran.push(Date.now()); return 0; } });
    s.start();

    await vi.advanceTimersByTimeAsync(29_000);
    // a synchronous stretch of another job: the 00:01:00 timer fires 5 s late
    vi.setSystemTime(Date.UTC(2026, 0, 1, 0, 1, 4));
    await vi.advanceTimersByTimeAsync(1000);
    await s.stop(1000);

    expect(ran).toEqual([Date.UTC(2026, 0, 1, 0, 1, 5)]);
  });

  it('logs a tick missed beyond the starting deadline as JSON with the job', async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1, 0, 0, 30) });
    const { lines, logger } = capture();
    const s = createScheduler({ schedules: [{ ...everyMinute('proposals'), startingDeadlineSeconds: 2 }], logger, run: async () => 0 });
    s.start();

    await vi.advanceTimersByTimeAsync(29_000);
    vi.setSystemTime(Date.UTC(2026, 0, 1, 0, 1, 4));
    await vi.advanceTimersByTimeAsync(1000);
    await s.stop(1000);

    expect(lines.filter((l) => l.msg === 'missed a scheduled start; the next one runs as usual')).toMatchObject([{ job: 'proposals', level: 40 }]);
  });

  it.each([
    ['six fields (seconds)', { cron: '0 */5 * * * *' }, /^schedule of b: cron "0 \*\/5 \* \* \* \*": expected 5 fields/],
    ['a minute out of range', { cron: '61 * * * *' }, /^schedule of b: cron "61 \* \* \* \*": minute "61": 61-61 is outside 0-59/],
    ['an unknown time zone', { timeZone: 'Mars/Olympus' }, /^schedule of b: timeZone "Mars\/Olympus": not an IANA time zone/],
    ['an hour DST skips', { cron: '30 2 * * *', timeZone: 'America/New_York' }, /^schedule of b: cron "30 2 \* \* \*" in America\/New_York: fires at 02:30/],
  ])('refuses %s before any job is scheduled, naming the job and the field', (_case, patch, message) => {
    const make = () => createScheduler({ schedules: [schedule('a'), { ...schedule('b'), ...patch }], logger: silentLogger, run: async () => 0 });

    expect(make).toThrow(ConfigError);
    expect(make).toThrow(message);
  });
});
