import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { scheduleCommand } from '../../src/cli/commands/schedule-command.js';
import { ConfigError } from '../../src/core/errors.js';

describe('fleetops schedule signal handling', () => {
  it('listens for SIGTERM and SIGINT before it starts the scheduler and says so, and stops on SIGTERM', async () => {
    // a SIGTERM that arrives before a listener exists takes the default action and kills the process:
    // the test of the real process failed that way 22 times in 60 under load when the handlers came
    // after 'scheduler started'
    const before = { term: process.listenerCount('SIGTERM'), int: process.listenerCount('SIGINT') };
    const atStart: { term: number; int: number }[] = [];
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        const line = String(chunk);
        lines.push(line);
        if (line.includes('scheduler started')) {
          atStart.push({ term: process.listenerCount('SIGTERM'), int: process.listenerCount('SIGINT') });
          setImmediate(() => process.emit('SIGTERM', 'SIGTERM'));
        }
        done();
      },
    });
    const logger = pino({ level: 'info' }, sink);

    const code = await scheduleCommand.run({ values: {}, positionals: [] }, { stdout: () => undefined, stderr: () => undefined, env: {}, isTty: false, logger });

    expect(code).toBe(0);
    expect(atStart).toEqual([{ term: before.term + 1, int: before.int + 1 }]);
    expect(lines.some((l) => l.includes('stopping scheduler'))).toBe(true);
    // once stopped, its handlers are gone (once): nothing is left behind in the process
    expect({ term: process.listenerCount('SIGTERM'), int: process.listenerCount('SIGINT') }).toEqual(before);
  });

  it('logs its own lines as the scheduler component, so a line about a job names the job once', async () => {
    const { spawn } = await import('node:child_process');
    const out = mkdtempSync(join(tmpdir(), 'fleetops-schedule-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'schedule', '--out', out], { env: { ...process.env, FLEETOPS__LOGLEVEL: 'info' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    await vi.waitFor(() => expect(stderr).toContain('scheduler started'), { timeout: 20_000, interval: 50 });

    child.kill('SIGTERM');
    await new Promise((ok) => child.once('exit', ok));
    rmSync(out, { recursive: true, force: true });
    const started = JSON.parse(stderr.split('\n').find((l) => l.includes('scheduler started'))!);

    // pino writes a bound key and the same key of a line twice: {"job":"scheduler",…,"job":"proposals"}
    expect(started).toMatchObject({ component: 'scheduler' });
    expect(started).not.toHaveProperty('job');
  }, 30_000);

  it('runs the on-call report at the config\'s report.handoff (the week it covers ends then), the other jobs at their table times', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetops-schedule-'));
    const file = join(dir, 'fleetops.yaml');
    writeFileSync(file, 'report:\n  handoff: { weekday: friday, time: "17:30", timeZone: Europe/Berlin }\n');
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        if (String(chunk).includes('scheduler started')) setImmediate(() => process.emit('SIGTERM', 'SIGTERM'));
        done();
      },
    });

    const code = await scheduleCommand.run({ values: { config: file }, positionals: [] }, { stdout: () => undefined, stderr: () => undefined, env: {}, isTty: false, logger: pino({ level: 'info' }, sink) });
    rmSync(dir, { recursive: true, force: true });

    expect(code).toBe(0);
    const jobs = JSON.parse(lines.find((l) => l.includes('scheduler started'))!).jobs as string[];
    // before: 0 9 * * 1 America/New_York whatever the handoff
    expect(jobs).toContain('oncall-report (30 17 * * 5 Europe/Berlin)');
    expect(jobs).toContain('availability-digest (30 6 * * * Etc/UTC)');
  });

  it('refuses a handoff in an hour daylight saving skips, naming report.handoff', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetops-schedule-'));
    const file = join(dir, 'fleetops.yaml');
    writeFileSync(file, 'report:\n  handoff: { weekday: sunday, time: "02:30", timeZone: Europe/Berlin }\n');

    const run = scheduleCommand.run({ values: { config: file }, positionals: [] }, { stdout: () => undefined, stderr: () => undefined, env: {}, isTty: false, logger: pino({ level: 'silent' }) });

    await expect(run).rejects.toThrow(ConfigError);
    await expect(run).rejects.toThrow(/^report\.handoff: schedule of oncall-report: cron "30 2 \* \* 0" in Europe\/Berlin/);
    rmSync(dir, { recursive: true, force: true });
  });
});
