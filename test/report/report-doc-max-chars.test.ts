import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/command.js';
import { reportCommand } from '../../src/cli/commands/report-command.js';
import { parseCommandArgs } from '../../src/cli/parse-args.js';
import { fixedClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { tempDir } from './report-fixtures.js';

async function run(docsSection: string) {
  const dir = tempDir();
  const config = join(dir, 'fleetops.yaml');
  writeFileSync(config, `simulator:\n  clusters: 60\n  days: 14\n  endTime: "2025-06-04T00:00:00Z"\n${docsSection}`);
  let stderr = '';
  const io: CliIo = { stdout: () => {}, stderr: (t) => { stderr += t; }, env: {}, clock: fixedClock(Date.UTC(2026, 10, 30)), logger: silentLogger, isTty: false };
  const code = await reportCommand.run(parseCommandArgs(['--config', config, '--out', dir], reportCommand.options), io);
  return { code, stderr, md: () => readFileSync(join(dir, 'docs', 'oncall-report_2025-05-26.md'), 'utf8') };
}

describe('fleetops report with docs.maxChars', () => {
  it('writes the report document within the configured budget and says it was shortened', async () => {
    const whole = await run('');
    const fullChars = whole.md().length;

    const { code, stderr, md } = await run('docs:\n  maxChars: 3000\n');

    // before: docs.maxChars was an unknown key (exit 2), and the report always had the 400,000 default
    expect(code, stderr).toBe(0);
    expect(fullChars).toBeGreaterThan(3_000);
    expect(whole.md()).not.toContain('Shortened to fit Google Docs');
    expect(md()).toContain('over this document\'s budget of 3,000');
  });
});
