import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config/load-config.js';
import { FleetopsConfig } from '../../src/core/config/schema.js';
import { ConfigError } from '../../src/core/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'fleetops-config-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('loadConfig', () => {
  it('applies defaults, then the file, then the environment, then flags', () => {
    const path = file('layers.yaml', 'outDir: from-file\nscan:\n  shards: 4\n  lookbackHours: 24\n');

    const config = loadConfig({ file: path, env: { FLEETOPS__SCAN__SHARDS: '8', FLEETOPS__OUTDIR: 'from-env' }, overrides: { outDir: 'from-flag' } });

    expect(config.outDir).toBe('from-flag');
    expect(config.scan.shards).toBe(8);
    expect(config.scan.lookbackHours).toBe(24);
    expect(config.store.kind).toBe('sqlite');
  });

  it('maps upper-case environment segments onto camelCase keys', () => {
    const config = loadConfig({ env: { FLEETOPS__METRICS__PROMETHEUS__MAX_POINTS_PER_SERIES: '5000', FLEETOPS__CHAT__SLACK__DIGEST_CHANNEL: '#x' } });

    expect(config.metrics.prometheus.maxPointsPerSeries).toBe(5000);
    expect(config.chat.slack.digestChannel).toBe('#x');
  });

  it.each([
    ['a wrong type', 'scan:\n  shards: many\n', /bad\.yaml:2: scan\.shards: expected an integer from 1 to 1024, found string "many"/],
    ['an unknown key', 'metrics:\n  prometheus:\n    urll: x\n', /bad\.yaml:3: metrics\.prometheus\.urll: unknown key/],
    ['a bad enum', 'llm:\n  kind: gpt\n', /bad\.yaml:2: llm\.kind: expected one of "none", "bedrock", found string "gpt"/],
    ['an output-token cap out of bounds', 'llm:\n  bedrock:\n    maxOutputTokens: 100\n', /bad\.yaml:3: llm\.bedrock\.maxOutputTokens: expected an integer from 256 to 65536 \(output tokens per model step\), found number 100/],
    ['a fractional output-token cap', 'llm:\n  bedrock:\n    maxOutputTokens: 4096.5\n', /bad\.yaml:3: llm\.bedrock\.maxOutputTokens: expected an integer from 256 to 65536, found number 4096\.5/],
    ['an output-token cap the run budget cannot hold', 'llm:\n  bedrock:\n    tokenBudgetPerRun: 4000\n    maxOutputTokens: 4096\n', /bad\.yaml:4: llm\.bedrock\.maxOutputTokens: expected a number below tokenBudgetPerRun \(4000\)/],
    ['a secret in the file', 'chat:\n  slack:\n    token: xoxb-1\n', /bad\.yaml:3: chat\.slack\.token: unknown key/],
    ['broken YAML', 'scan: [\n', /bad\.yaml:\d+: invalid YAML/],
    ['a list at the root', '- a\n', /bad\.yaml:1: config must be a YAML mapping, found a list/],
    ['a no-repeat window longer than retention keeps proposals', 'clusterOps:\n  guardrails:\n    repeatWindowHours: 2500\nretention:\n  proposalsDays: 100\n',
      /bad\.yaml:3: clusterOps\.guardrails\.repeatWindowHours: 2500 h is longer than retention\.proposalsDays keeps closed proposals \(100 days = 2400 h\)/],
  ])('rejects %s with file, line and field', (_case, text, message) => {
    const path = file('bad.yaml', text);

    expect(() => loadConfig({ file: path })).toThrow(ConfigError);
    expect(() => loadConfig({ file: path })).toThrow(message);
  });

  it.each([
    ['a malformed PromQL template', 'outDir: x\nsignals:\n  - id: queue_depth\n    component: payments\n    unit: count\n    badDirection: up\n    promql: sum by ({{clusterLabel}}) (rate(q{ {{clusterMatcher}} }[5m])\n',
      /bad-signal\.yaml:7: signals\.0\.promql: signal queue_depth \(payments\): malformed PromQL template: unclosed '\('/],
    ['a template without the cluster matcher', 'signals:\n  - id: ok\n    component: a\n    unit: count\n    badDirection: up\n    promql: sum by ({{clusterLabel}}) (q{ {{clusterMatcher}} })\n  - id: nomatch\n    component: b\n    unit: count\n    badDirection: up\n    promql: sum(q)\n',
      /bad-signal\.yaml:11: signals\.1\.promql: signal nomatch \(b\): malformed PromQL template: missing placeholder \{\{clusterMatcher\}\}/],
    ['a unit outside the list', 'signals:\n  - id: x\n    component: a\n    unit: furlongs\n    badDirection: up\n    promql: sum by ({{clusterLabel}}) (q{ {{clusterMatcher}} })\n',
      /bad-signal\.yaml:4: signals\.0\.unit: signal x \(a\): unit: /],
    ['a unit outside the list, in words', 'signals:\n  - id: x\n    component: a\n    unit: furlongs\n    badDirection: up\n    promql: sum by ({{clusterLabel}}) (q{ {{clusterMatcher}} })\n',
      /bad-signal\.yaml:4: signals\.0\.unit: signal x \(a\): unit: expected one of "ratio", "seconds", "per_second", "bytes", "count", found string "furlongs"; fix the signals section of the config$/],
    ['an unknown field, on its own line', 'signals:\n  - id: x\n    component: a\n    unit: count\n    badDirection: up\n    promql: sum by ({{clusterLabel}}) (q{ {{clusterMatcher}} })\n    owner: sre\n',
      /bad-signal\.yaml:7: signals\.0\.owner: signal x \(a\): owner: unknown key \(check spelling\); fix the signals section of the config$/],
  ])('rejects a user signal with %s, naming file, line, field and signal', (_case, text, message) => {
    const path = file('bad-signal.yaml', text);

    expect(() => loadConfig({ file: path })).toThrow(ConfigError);
    expect(() => loadConfig({ file: path })).toThrow(message);
  });

  it('accepts well-formed user signals', () => {
    const path = file('good-signal.yaml', 'signals:\n  - id: queue_depth\n    component: payments\n    unit: count\n    badDirection: up\n    promql: sum by ({{clusterLabel}}) (q{ {{clusterMatcher}} })\n');

    expect(loadConfig({ file: path }).signals).toHaveLength(1);
  });

  it('names an environment override that has the wrong type', () => {
    expect(() => loadConfig({ env: { FLEETOPS__SCAN__SHARDS: 'lots' } })).toThrow(/scan\.shards: expected an integer from 1 to 1024, found string "lots"/);
  });
});

describe('loadConfig: values from the environment and flags', () => {
  it('keeps a string field\'s value as text when it looks like a number (a numeric Mimir tenant)', () => {
    const config = loadConfig({ env: { FLEETOPS__METRICS__PROMETHEUS__TENANT: '123456', FLEETOPS__CHAT__SLACK__DIGEST_CHANNEL: '0123' } });

    expect(config.metrics.prometheus.tenant).toBe('123456');
    expect(config.chat.slack.digestChannel).toBe('0123');
  });

  it('maps environment segments through a union (metrics.prometheus.auth by kind)', () => {
    const config = loadConfig({ env: { FLEETOPS__METRICS__PROMETHEUS__AUTH__KIND: 'bearer', FLEETOPS__METRICS__PROMETHEUS__AUTH__TOKEN_ENV: 'THANOS_TOKEN' } });

    expect(config.metrics.prometheus.auth).toEqual({ kind: 'bearer', tokenEnv: 'THANOS_TOKEN' });
  });

  it('names the environment variable, not a line of the file, for a bad value it set', () => {
    const path = file('env-origin.yaml', 'outDir: out\nscan:\n  lookbackHours: 24\n');

    expect(() => loadConfig({ file: path, env: { FLEETOPS__SCAN__SHARDS: 'lots' } }))
      .toThrow('config error: environment variable FLEETOPS__SCAN__SHARDS: scan.shards: expected an integer from 1 to 1024, found string "lots"');
    expect(() => loadConfig({ file: path, env: { FLEETOPS__SCAN__SHARDZ: '3' } }))
      .toThrow('config error: environment variable FLEETOPS__SCAN__SHARDZ: scan.shardz: unknown key');
  });

  it('names a command-line flag for a bad value it set', () => {
    const path = file('flag-origin.yaml', 'outDir: out\nlogLevel: info\n');

    expect(() => loadConfig({ file: path, overrides: { logLevel: 'loud' } })).toThrow(/^config error: command-line flag: logLevel: expected one of/);
  });
});

describe('loadConfig: evidence sources beside a real fleet', () => {
  it.each([
    ['simulated logs with a Prometheus inventory', 'inventory:\n  kind: prometheus\nlogs:\n  kind: simulator\nevents:\n  kind: none\nchanges:\n  kind: none\n',
      /^config error: \S+real-fleet\.yaml:4: logs\.kind: simulator serves the simulated fleet's logs, but inventory\.kind is prometheus \(\S+real-fleet\.yaml:2\); set logs\.kind to opensearch or none$/],
    ['default events with a file inventory', 'inventory:\n  kind: file\n  file: clusters.yaml\nlogs:\n  kind: opensearch\nchanges:\n  kind: argocd\n',
      /^config error: \S+real-fleet\.yaml:1: events\.kind: simulator \(the default\) serves the simulated fleet's Kubernetes events, but inventory\.kind is file \(\S+real-fleet\.yaml:2\); set events\.kind to opensearch or none$/],
    ['default changes with Prometheus metrics', 'metrics:\n  kind: prometheus\nlogs:\n  kind: none\nevents:\n  kind: none\n',
      /^config error: \S+real-fleet\.yaml:1: changes\.kind: simulator \(the default\) serves the simulated fleet's deploys and config changes, but metrics\.kind is prometheus \(\S+real-fleet\.yaml:2\); set changes\.kind to argocd or none$/],
  ])('refuses %s, naming file, line, field and what to set', (_case, text, message) => {
    const path = file('real-fleet.yaml', text);

    expect(() => loadConfig({ file: path })).toThrow(ConfigError);
    expect(() => loadConfig({ file: path })).toThrow(message);
  });

  it('names every simulated source at once, and the variable that made the fleet real', () => {
    const path = file('env-fleet.yaml', 'outDir: out\n');

    const refuse = () => loadConfig({ file: path, env: { FLEETOPS__METRICS__KIND: 'prometheus', FLEETOPS__INVENTORY__KIND: 'prometheus', FLEETOPS__CHANGES__KIND: 'simulator' } });

    expect(refuse).toThrow([
      `config error: ${path}:1: logs.kind: simulator (the default) serves the simulated fleet's logs, but inventory.kind is prometheus (environment variable FLEETOPS__INVENTORY__KIND) and metrics.kind is prometheus (environment variable FLEETOPS__METRICS__KIND); set logs.kind to opensearch or none`,
      `config error: ${path}:1: events.kind: simulator (the default) serves the simulated fleet's Kubernetes events, but inventory.kind is prometheus (environment variable FLEETOPS__INVENTORY__KIND) and metrics.kind is prometheus (environment variable FLEETOPS__METRICS__KIND); set events.kind to opensearch or none`,
      `config error: environment variable FLEETOPS__CHANGES__KIND: changes.kind: simulator serves the simulated fleet's deploys and config changes, but inventory.kind is prometheus (environment variable FLEETOPS__INVENTORY__KIND) and metrics.kind is prometheus (environment variable FLEETOPS__METRICS__KIND); set changes.kind to argocd or none`,
    ].join('\n'));
  });

  it('accepts none (no source) with a real or a simulated fleet, real sources with a simulated one, and the all-simulated defaults', () => {
    const real = loadConfig({ file: file('none.yaml', 'inventory:\n  kind: prometheus\nmetrics:\n  kind: prometheus\nlogs:\n  kind: none\nevents:\n  kind: opensearch\nchanges:\n  kind: none\n') });
    const simulated = loadConfig({ env: { FLEETOPS__LOGS__KIND: 'none', FLEETOPS__EVENTS__KIND: 'opensearch', FLEETOPS__CHANGES__KIND: 'argocd' } });
    const defaults = loadConfig({ env: { FLEETOPS__CHAT__KIND: 'outbox', FLEETOPS__DOCS__KIND: 'files' } });

    expect([real.logs.kind, real.events.kind, real.changes.kind]).toEqual(['none', 'opensearch', 'none']);
    expect([simulated.logs.kind, simulated.events.kind, simulated.changes.kind]).toEqual(['none', 'opensearch', 'argocd']);
    expect([defaults.inventory.kind, defaults.metrics.kind, defaults.logs.kind, defaults.events.kind, defaults.changes.kind]).toEqual(Array(5).fill('simulator'));
  });
});

/** Every key path of the config schema (through defaults, optionals and unions such as auth kinds). */
function schemaKeys(t: unknown, prefix: string[] = [], out: string[] = []): string[] {
  const defOf = (x: unknown) => (x as { def?: Record<string, unknown> } | undefined)?.def ?? {};
  let cur = t;
  for (let d = defOf(cur); d.innerType ?? (d.type === 'pipe' ? d.in : undefined); d = defOf(cur)) cur = d.innerType ?? d.in;
  const d = defOf(cur);
  if (d.type === 'union') for (const option of d.options as unknown[]) schemaKeys(option, prefix, out);
  for (const [k, v] of Object.entries((d.shape ?? {}) as Record<string, unknown>)) {
    const path = [...prefix, k];
    if (!out.includes(path.join('.'))) out.push(path.join('.'));
    schemaKeys(v, path, out);
  }
  return out;
}

describe('fleetops.example.yaml', () => {
  it('is a valid config', () => {
    const config = loadConfig({ file: 'fleetops.example.yaml' });

    expect(config.metrics.prometheus.maxPointsPerSeries).toBe(11000);
  });

  it('documents every key of the config (README: "every key documented")', () => {
    const text = readFileSync('fleetops.example.yaml', 'utf8');

    const undocumented = schemaKeys(FleetopsConfig).filter((path) => !new RegExp(`\\b${path.split('.').pop()}\\b`).test(text));

    expect(undocumented).toEqual([]);
  });

  it('shows the defaults: its effective config is the built-in one but for the Prometheus URL', () => {
    const example = loadConfig({ file: 'fleetops.example.yaml' });
    const defaults = loadConfig();

    expect({ ...example, metrics: { ...example.metrics, prometheus: { ...example.metrics.prometheus, url: defaults.metrics.prometheus.url } } }).toEqual(defaults);
  });
});
