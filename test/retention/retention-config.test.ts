import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config/load-config.js';
import { ConfigError } from '../../src/core/errors.js';

function configFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'fleetops-retention-')), 'fleetops.yaml');
  writeFileSync(file, text);
  return file;
}

describe('retention config', () => {
  it('defaults: runs 30 days, data a year and more, read records a week, batches of 5,000', () => {
    expect(loadConfig().retention).toEqual({
      runsDays: 30, anomaliesDays: 400, incidentsDays: 400, evidenceDays: 400, rcasDays: 400, proposalsDays: 400,
      publicationsDays: 400, readRecordsDays: 7, batchSize: 5000,
    });
  });

  it.each([
    ['rcasDays: 30', 4, /retention\.rcasDays: expected at least 180 days: the digest's feedback priors read the RCAs of votes of the last 90 days/],
    // a vote read 90 days after its RCA counts in the priors for 90 more days: 90 days would drop it
    ['rcasDays: 90', 4, /retention\.rcasDays: expected at least 180 days: .*remediation\.feedbackLookbackDays/],
    ['anomaliesDays: 7', 4, /retention\.anomaliesDays: expected at least 35 days: the scan reads findings back over scan\.lookbackHours/],
    ['evidenceDays: 40.5', 4, /retention\.evidenceDays: expected an integer from 35 to 36500, found number 40\.5/],
    ['batchSize: 50', 4, /retention\.batchSize: expected .*100/],
    ['runDays: 3', 4, /retention\.runDays: unknown key/],
  ])('refuses %s naming the file, line and field', (line, at, message) => {
    const file = configFile(`outDir: out\nretention:\n  runsDays: 30\n  ${line}\n`);

    const load = () => loadConfig({ file });

    expect(load).toThrow(ConfigError);
    expect(load).toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${at}: ${message.source}`));
  });
});
