import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/command.js';
import { formatReportSummary, reportCommand } from '../../src/cli/commands/report-command.js';
import { parseCommandArgs } from '../../src/cli/parse-args.js';
import { fixedClock } from '../../src/core/clock.js';
import { ConfigError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { tempDir } from './report-fixtures.js';

async function run(argv: string[]) {
  const dir = tempDir();
  const config = join(dir, 'fleetops.yaml');
  writeFileSync(config, 'simulator:\n  clusters: 60\n  days: 14\n  endTime: "2025-06-04T00:00:00Z"\n');
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, env: {}, clock: fixedClock(Date.UTC(2026, 10, 30)), logger: silentLogger, isTty: false };
  const code = await reportCommand.run(parseCommandArgs(['--config', config, '--out', dir, ...argv], reportCommand.options), io);
  return { code, stdout, stderr, dir };
}

describe('fleetops report', () => {
  it('writes the last simulated week and prints where it went', async () => {
    const { code, stdout, dir } = await run([]);

    expect(code).toBe(0);
    expect(stdout).toMatch(/on-call report, week of 2025-05-26 \(2025-05-26T09:00:00.000Z – 2025-06-02T09:00:00.000Z\)/);
    expect(stdout).toMatch(/document: file:.*oncall-report_2025-05-26\.html \(created\)/);
    expect(stdout).toMatch(/slack: #fleet-oncall \d+\.\d+ \(posted\); chart uploaded/);
    expect(existsSync(join(dir, 'docs', 'oncall-report_2025-05-26.md'))).toBe(true);
  });

  it('regenerates a past week with --week', async () => {
    const { code, stdout } = await run(['--week', '2025-05-19']);

    expect(code).toBe(0);
    expect(stdout).toContain('week of 2025-05-19');
  });

  it('refuses a --week that is not a handoff day before the run, naming the problem (the CLI exits 2: test/cli/job-flags-before-run.test.ts)', async () => {
    await expect(run(['--week', '2025-05-20'])).rejects.toThrow(ConfigError);
    await expect(run(['--week', '2025-05-20'])).rejects.toThrow(/--week 2025-05-20: that is a tuesday/);
  });

  it('prints the alert figures as unavailable, not as zeros, when the alert history could not be read', () => {
    const base = { week: '2025-05-26', startMs: 0, endMs: 1, alertEpisodes: 0, previousAlertEpisodes: 0, highlights: 'template' as const };

    expect(formatReportSummary({ ...base, alertsAvailable: false })).toContain('alert episodes: unavailable (the alert history could not be read);');
    expect(formatReportSummary({ ...base, alertEpisodes: 7, previousAlertEpisodes: 3, alertsAvailable: true })).toContain('alert episodes: 7 (last week 3);');
    expect(formatReportSummary({ ...base, alertEpisodes: 7, previousAlertEpisodes: undefined, alertsAvailable: true })).toContain('alert episodes: 7 (no alert history for last week);');
  });

  it('rejects an unknown flag as a usage error', () => {
    expect(() => parseCommandArgs(['--weak', '2025-05-19'], reportCommand.options)).toThrow(ConfigError);
  });
});
