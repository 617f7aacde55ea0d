import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/command.js';
import { runJobCommand } from '../../src/cli/job-runner.js';
import { parseCommandArgs } from '../../src/cli/parse-args.js';
import { fixedClock } from '../../src/core/clock.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('runJobCommand', () => {
  it('gives the lines logged outside the job body (adapters, the job metrics push) the run id too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetops-job-runner-'));
    dirs.push(dir);
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => { lines.push(JSON.parse(line) as Record<string, unknown>); } });
    // nothing listens on port 1: the push fails, which is logged and not fatal
    const io: CliIo = {
      stdout: () => undefined, stderr: () => undefined, clock: fixedClock(Date.UTC(2026, 10, 30)), logger, isTty: false,
      env: { FLEETOPS__SIMULATOR__CLUSTERS: '6', FLEETOPS__SIMULATOR__DAYS: '1', FLEETOPS__JOBMETRICS__PUSHGATEWAYURL: 'http://127.0.0.1:1' },
    };

    const result = await runJobCommand('oncall-report', parseCommandArgs(['--out', dir], {}), io, async () => ({}));

    expect(result.exitCode).toBe(0);
    const push = lines.find((l) => l.msg === 'job metrics push failed');
    expect(push).toMatchObject({ runId: result.runId, job: 'oncall-report' });
    expect(lines.filter((l) => l.msg === 'job started').map((l) => l.runId)).toEqual([result.runId]);
  });
});
