import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fixedClock } from '../../src/core/clock.js';
import { runsInStore } from './cli-fixtures.js';

let out: string;
beforeEach(() => { out = mkdtempSync(join(tmpdir(), 'fleetops-config-mid-run-')); });
afterEach(() => { rmSync(out, { recursive: true, force: true }); });

const CLUSTER = '    region: eu-west-1\n    substrate: aws\n    environment: prod\n    tier: tier-1\n';

describe('a config error found mid-run (the inventory file is read once the job starts)', () => {
  it('prints and logs the message naming file and line without a stack, exits 2 and records the run', async () => {
    const inventory = join(out, 'inventory.yaml');
    writeFileSync(inventory, `clusters:\n  - id: c-a\n${CLUSTER}  - id: c-a\n${CLUSTER}`);
    const config = join(out, 'fleetops.yaml');
    writeFileSync(config, `simulator:\n  clusters: 6\n  days: 1\ninventory:\n  kind: file\n  file: ${inventory}\nlogs:\n  kind: none\nevents:\n  kind: none\nchanges:\n  kind: none\n`);
    let stderr = '';
    const logs: { msg?: string; err?: unknown }[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => { logs.push(JSON.parse(line) as { msg?: string; err?: unknown }); } });
    const message = `${inventory}:7: cluster id c-a is already listed on line 2`;

    const code = await main(['scan', '--config', config, '--out', out], {
      stdout: () => undefined, stderr: (t) => { stderr += t; }, clock: fixedClock(Date.UTC(2026, 10, 30, 6)), logger, isTty: false, env: {},
    });
    const runs = await runsInStore(out);

    expect(code).toBe(2);
    expect(stderr).toContain(`failed: job: ${message}`);
    // before: the log line carried the error with its stack
    expect(logs.filter((l) => l.msg === 'job failed').map((l) => l.err)).toEqual([message]);
    expect(JSON.stringify(logs)).not.toContain('stack');
    expect(runs).toMatchObject([{ job: 'fleet-scan', status: 'bad-input', exitCode: 2, summary: { failures: [{ part: 'job', message }] } }]);
  });
});
