import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config/load-config.js';
import { ConfigError } from '../../src/core/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'fleetops-docs-config-'));
function file(text: string): string {
  const p = join(dir, 'docs.yaml');
  writeFileSync(p, text);
  return p;
}
const RANGE = 'expected an integer from 1 to 1020000 (characters per document; Google Docs holds about 1020000)';

describe('docs.maxChars', () => {
  it('defaults to 400,000 characters and takes any budget up to Google\'s limit', () => {
    expect(loadConfig().docs.maxChars).toBe(400_000);
    expect(loadConfig({ file: file('docs:\n  kind: files\n  maxChars: 1020000\n') }).docs.maxChars).toBe(1_020_000);
    expect(loadConfig({ env: { FLEETOPS__DOCS__MAX_CHARS: '50000' } }).docs.maxChars).toBe(50_000);
  });

  it.each([
    ['zero', '0', `docs.yaml:3: docs.maxChars: ${RANGE}, found number 0`],
    ['over Google\'s limit', '1020001', `docs.yaml:3: docs.maxChars: ${RANGE}, found number 1020001`],
    ['a fraction', '400000.5', 'docs.yaml:3: docs.maxChars: expected an integer from 1 to 1020000, found number 400000.5'],
    ['text', 'lots', 'docs.yaml:3: docs.maxChars: expected an integer from 1 to 1020000, found string "lots"'],
  ])('rejects %s naming file, line and field', (_case, value, message) => {
    const path = file(`docs:\n  kind: google\n  maxChars: ${value}\n`);

    expect(() => loadConfig({ file: path })).toThrow(ConfigError);
    expect(() => loadConfig({ file: path })).toThrow(message);
  });
});
