import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/core/config/load-config.js';

// plain unions of the shapes the config schema has none of yet (mappings, scalars of two kinds, a union in a union), under `probe`
vi.mock('../../src/core/config/schema.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/core/config/schema.js')>();
  const { z } = await import('zod');
  const probe = z.strictObject({
    target: z.union([
      z.strictObject({ url: z.string().url(), timeoutMs: z.number().int().min(1).default(1000) }),
      z.strictObject({ file: z.string().min(1) }),
    ]).optional(),
    limit: z.union([z.number().int().min(1).max(10), z.enum(['auto', 'off'])]).optional(),
    pick: z.union([z.string().min(1), z.array(z.union([z.literal('a'), z.literal('b')])).min(1)]).optional(),
    every: z.union([z.boolean(), z.strictObject({ hours: z.number().positive() })]).optional(),
  }).prefault({});
  return { ...real, FleetopsConfig: real.FleetopsConfig.extend({ probe }) };
});

const dir = mkdtempSync(join(tmpdir(), 'fleetops-config-plain-unions-'));
let n = 0;

/** The config error of `yaml` (a file whose line 1 is a comment), and the file's path. */
function errorOf(yaml: string): { message: string; path: string } {
  const path = join(dir, `c${n++}.yaml`);
  writeFileSync(path, `# bad value below\n${yaml}`);
  try {
    loadConfig({ file: path });
  } catch (err) {
    return { message: (err as Error).message, path };
  }
  throw new Error(`expected a ConfigError for ${yaml}`);
}

/** zod's own wording, which no config error may show. */
const RAW = /Too small|Too big|Invalid input|Invalid option|Invalid discriminator|Expected|Received|received|invalid_union|expected expected/;

const FIELD_CANDIDATES = ['reason', 'message', 'type', 'count', 'namespace', 'involvedKind', 'involvedName', 'node', 'uid'];

/** yaml, line of the bad value, field, what the message says was expected and found. */
const UNION_CASES: [string, number, string, string][] = [
  // remediation's autonomy Level: a union of literals, as the default and in each rule
  ['remediation:\n  autonomy:\n    defaultLevel: 5\n', 4, 'remediation.autonomy.defaultLevel', 'expected one of 0, 1, 2, 3, found number 5'],
  ['remediation:\n  autonomy:\n    defaultLevel: high\n', 4, 'remediation.autonomy.defaultLevel', 'expected one of 0, 1, 2, 3, found string "high"'],
  ['remediation:\n  autonomy:\n    rules:\n      - operation: evict-pod\n        level: 1.5\n', 6, 'remediation.autonomy.rules.0.level', 'expected one of 0, 1, 2, 3, found number 1.5'],
  ['remediation:\n  autonomy:\n    rules:\n      - operation: evict-pod\n', 5, 'remediation.autonomy.rules.0.level', 'expected one of 0, 1, 2, 3, found nothing'],
  // OpenSearch event fields: one document field or a list of them
  ...FIELD_CANDIDATES.map((f): [string, number, string, string] => [`opensearch:\n  events:\n    fields:\n      ${f}: 3\n`, 5, `opensearch.events.fields.${f}`, 'expected a document field such as kubernetes.event.reason (dot-separated, no spaces or empty parts) or a list of them, found number 3']),
  ['opensearch:\n  events:\n    fields:\n      reason: ""\n', 5, 'opensearch.events.fields.reason', 'expected a document field such as kubernetes.event.reason (dot-separated, no spaces or empty parts) or a list of them, found string ""'],
  ['opensearch:\n  events:\n    fields:\n      reason: {name: x}\n', 5, 'opensearch.events.fields.reason', 'or a list of them, found a mapping'],
  ['opensearch:\n  events:\n    fields:\n      reason: []\n', 5, 'opensearch.events.fields.reason', 'expected at least one field (an empty list reads nothing), found a list with no items'],
  ['opensearch:\n  events:\n    fields:\n      reason: [reason, "a b"]\n', 5, 'opensearch.events.fields.reason.1', 'expected a document field such as kubernetes.namespace_name (dot-separated, no spaces or empty parts), found string "a b"'],
  // the discriminated unions (auth), for comparison
  ['metrics:\n  prometheus:\n    auth:\n      kind: oauth\n', 5, 'metrics.prometheus.auth.kind', 'expected one of "none", "bearer", "basic", "sigv4", found string "oauth"'],
  ['metrics:\n  prometheus:\n    auth: bearer\n', 4, 'metrics.prometheus.auth', 'expected a mapping, found string "bearer"'],
  ['opensearch:\n  auth:\n    kind: basic\n    username: ""\n', 5, 'opensearch.auth.username', 'expected a string of at least 1 character, found string ""'],
  // unions of other shapes
  ['probe:\n  target:\n    url: not-a-url\n', 4, 'probe.target.url', 'expected a URL such as https://example.com, found string "not-a-url"'],
  ['probe:\n  target:\n    url: https://x.example.com\n    timeoutMs: 0\n', 5, 'probe.target.timeoutMs', 'expected an integer ≥ 1, found number 0'],
  ['probe:\n  target:\n    file: ""\n', 4, 'probe.target.file', 'expected a string of at least 1 character, found string ""'],
  ['probe:\n  target: 3\n', 3, 'probe.target', 'expected a mapping, found number 3'],
  ['probe:\n  limit: 0\n', 3, 'probe.limit', 'expected an integer from 1 to 10, found number 0'],
  ['probe:\n  limit: 11\n', 3, 'probe.limit', 'expected an integer from 1 to 10, found number 11'],
  ['probe:\n  limit: sometimes\n', 3, 'probe.limit', 'expected an integer from 1 to 10 or one of "auto", "off", found string "sometimes"'],
  ['probe:\n  limit: [1]\n', 3, 'probe.limit', 'expected an integer from 1 to 10 or one of "auto", "off", found a list of 1 item'],
  ['probe:\n  pick: ""\n', 3, 'probe.pick', 'expected a string of at least 1 character, found string ""'],
  ['probe:\n  pick: []\n', 3, 'probe.pick', 'expected a list of at least 1 item, found a list with no items'],
  ['probe:\n  pick: [a, c]\n', 3, 'probe.pick.1', 'expected one of "a", "b", found string "c"'],
  ['probe:\n  pick: 7\n', 3, 'probe.pick', 'expected a string or a list, found number 7'],
  ['probe:\n  every: yes please\n', 3, 'probe.every', 'expected true or false or a mapping, found string "yes please"'],
  ['probe:\n  every:\n    hours: -1\n', 4, 'probe.every.hours', 'expected a number > 0, found number -1'],
];

describe('a bad value for a plain union of the config', () => {
  it.each(UNION_CASES)('%j names the field, file and line, what was expected and what was found', (yaml, line, field, what) => {
    const { message, path } = errorOf(yaml);

    expect(message).toContain(`config error: ${path}:${line}: ${field}: `);
    expect(message).toContain(what);
    expect(message).toMatch(/^config error: .+:\d+: [\w.]+: expected .+, found .+$/);
    expect(message).not.toMatch(RAW);
  });
});

describe('a bad value for any other field', () => {
  it.each([
    ['scan:\n  shards: 0\n', 'scan.shards: expected an integer from 1 to 1024, found number 0'],
    ['scan:\n  shards: 2.5\n', 'scan.shards: expected an integer from 1 to 1024, found number 2.5'],
    ['scan:\n  slo:\n    availability: 1.5\n', 'scan.slo.availability: expected a number > 0 and < 1, found number 1.5'],
    ['clusterLabel: "1abc"\n', 'clusterLabel: expected a string matching /^[a-zA-Z_][a-zA-Z0-9_]*$/, found string "1abc"'],
    ['runbooksDir: ""\n', 'runbooksDir: expected a string of at least 1 character, found string ""'],
    ['jobMetrics:\n  pushgatewayUrl: nope\n', 'jobMetrics.pushgatewayUrl: expected a URL such as https://example.com, found string "nope"'],
    ['clusterOps:\n  argocd: {}\n', 'clusterOps.argocd.url: expected a URL such as https://example.com, found nothing'],
    ['simulator:\n  endTime: yesterday\n', 'simulator.endTime: expected an ISO 8601 time such as 2026-11-30T06:00:00Z, found string "yesterday"'],
    ['docs:\n  google:\n    shareWithGroup: sre\n', 'docs.google.shareWithGroup: expected an email address, found string "sre"'],
    ['report:\n  resolutionWords: []\n', 'report.resolutionWords: expected a list of at least 1 item, found a list with no items'],
    ['report:\n  handoff:\n    time: "25:00"\n', 'report.handoff.time: expected HH:MM (24 h), found string "25:00"'],
  ])('%j reads as a sentence without zod wording', (yaml, what) => {
    const { message, path } = errorOf(yaml);

    expect(message).toContain(`config error: ${path}:`);
    expect(message).toContain(what);
    expect(message).not.toMatch(RAW);
  });
});
