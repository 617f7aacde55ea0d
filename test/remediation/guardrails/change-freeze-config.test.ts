import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/core/config/load-config.js';
import { ConfigError } from '../../../src/core/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'fleetops-change-freeze-'));

describe('a change freeze that ends before it starts', () => {
  it('reads as one sentence naming the file, line, field, the start and the end found', () => {
    const path = join(dir, 'fleetops.yaml');
    writeFileSync(path, 'remediation:\n  changeFreeze:\n    - startsAt: 2026-12-02T00:00:00Z\n      endsAt: 2026-12-01T00:00:00Z\n      reason: release\n');

    const message = (() => {
      try { loadConfig({ file: path }); } catch (err) { expect(err).toBeInstanceOf(ConfigError); return (err as Error).message; }
      return '';
    })();

    // before: `expected startsAt must be before endsAt, found string "2026-12-01T00:00:00Z"`
    expect(message).toBe(`config error: ${path}:4: remediation.changeFreeze.0.endsAt: expected a time after startsAt (2026-12-02T00:00:00Z), found string "2026-12-01T00:00:00Z"`);
  });
});
