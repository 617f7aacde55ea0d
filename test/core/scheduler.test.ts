import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { createScheduler } from '../../src/core/scheduler.js';
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

  it('turns a throwing job into exit 1 and frees the slot', async () => {
    const s = createScheduler({ schedules: [schedule('a')], logger: silentLogger, run: async () => { throw new Error('boom'); } });

    expect(await s.trigger('a')).toBe(1);
    expect(s.running()).toEqual([]);
  });
});
