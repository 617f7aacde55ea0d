import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRequirements, loadConfig } from '../../src/core/config/load-config.js';

const dir = mkdtempSync(join(tmpdir(), 'fleetops-config-union-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function errorOf(load: () => unknown): string {
  try {
    load();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

const AUTH_KINDS = 'expected one of "none", "bearer", "basic", "sigv4"';

describe('a discriminated union without its discriminator', () => {
  it('names the environment variable that set a field of the object, and the discriminator values', () => {
    const message = errorOf(() => loadConfig({ env: { FLEETOPS__METRICS__PROMETHEUS__AUTH__TOKEN_ENV: 'FOO' } }));

    // before: `metrics.prometheus.auth.kind: expected Invalid discriminator value. Expected 'none' | …, found nothing`, no variable
    expect(message).toBe(`config error: environment variable FLEETOPS__METRICS__PROMETHEUS__AUTH__TOKEN_ENV: metrics.prometheus.auth.kind: ${AUTH_KINDS}, found nothing`);
  });

  it('names file and line of the mapping when the file set a field of the object', () => {
    const path = file('auth.yaml', '# metrics\nmetrics:\n  prometheus:\n    url: http://prometheus:9090\n    auth:\n      tokenEnv: X\n');

    const message = errorOf(() => loadConfig({ file: path }));

    expect(message).toBe(`config error: ${path}:5: metrics.prometheus.auth.kind: ${AUTH_KINDS}, found nothing`);
  });

  it('prefers the file when it holds the object and the environment set another of its fields', () => {
    const path = file('auth-both.yaml', 'metrics:\n  prometheus:\n    auth:\n      tokenEnv: X\n');

    const message = errorOf(() => loadConfig({ file: path, env: { FLEETOPS__METRICS__PROMETHEUS__AUTH__PASSWORDENV: 'Y' } }));

    expect(message).toBe(`config error: ${path}:3: metrics.prometheus.auth.kind: ${AUTH_KINDS}, found nothing`);
  });

  it('names a wrong discriminator value and the variable that set it', () => {
    const message = errorOf(() => loadConfig({ env: { FLEETOPS__OPENSEARCH__AUTH__KIND: 'oauth' } }));

    expect(message).toBe('config error: environment variable FLEETOPS__OPENSEARCH__AUTH__KIND: opensearch.auth.kind: expected one of "none", "basic", "bearer", "sigv4", found string "oauth"');
  });
});

describe('a union of literals', () => {
  it('lists what each option accepts', () => {
    const message = errorOf(() => loadConfig({ env: { FLEETOPS__REMEDIATION__AUTONOMY__DEFAULTLEVEL: '5' } }));

    // before: `expected Invalid input, found number 5`
    expect(message).toBe('config error: environment variable FLEETOPS__REMEDIATION__AUTONOMY__DEFAULTLEVEL: remediation.autonomy.defaultLevel: expected one of 0, 1, 2, 3, found number 5');
  });
});

describe('an unmet requirement of a kind chosen in the environment', () => {
  it('names the variable that chose the kind when the failing field itself was set by no one', () => {
    const env = { FLEETOPS__METRICS__KIND: 'prometheus', FLEETOPS__METRICS__PROMETHEUS__AUTH__KIND: 'bearer', FLEETOPS__LOGS__KIND: 'none', FLEETOPS__EVENTS__KIND: 'none', FLEETOPS__CHANGES__KIND: 'none' };
    const config = loadConfig({ env });

    const message = errorOf(() => checkRequirements(config, { env }));

    expect(message).toBe('config error: environment variable FLEETOPS__METRICS__PROMETHEUS__AUTH__KIND: metrics.prometheus.auth.tokenEnv: environment variable PROMETHEUS_BEARER_TOKEN is not set (secrets come only from the environment)');
  });
});
