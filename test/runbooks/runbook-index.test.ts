import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRunbookIndex, loadRunbooks, stem, tokenize } from '../../src/runbooks/index.js';
import {
  SCENARIO_FAILURE_MODE, SCENARIO_KINDS, listFailureModes, loadFailureModel, type ScenarioKind,
} from '../../src/rca/failure-model/index.js';

const runbooks = loadRunbooks('runbooks');
const index = createRunbookIndex(runbooks);
const modes = listFailureModes(loadFailureModel());

const SCENARIO_RUNBOOK: Record<ScenarioKind, string> = {
  'bad-rollout': 'failed-rollout-bad-version',
  'regional-degradation': 'regional-cloud-degradation',
  'node-disk-pressure': 'node-disk-pressure',
  'noisy-neighbour-dns': 'nic-saturation-noisy-neighbour',
  'cert-expiry': 'certificate-expiry',
  'oom-after-config': 'oomkilled',
  'stopped-reporting': 'cluster-stopped-reporting',
};

describe('tokenize', () => {
  it.each([
    ['Pods were Evicted; evictions continue', ['pod', 'were', 'evict', 'evict', 'continue']],
    ['CoreDNSLatencyHigh', ['corednslatencyhigh', 'core', 'dns', 'latency', 'high']],
    ['node_disk_usage p99', ['node', 'disk', 'usage', 'p99']],
  ])('%s', (text, tokens) => {
    expect(tokenize(text)).toEqual(tokens);
  });

  it('stems lightly and leaves short or special words alone', () => {
    expect([stem('saturation'), stem('saturated'), stem('diagnosis'), stem('status'), stem('pods')]).toEqual(['saturat', 'saturat', 'diagnosis', 'status', 'pod']);
  });
});

describe('runbook retrieval', () => {
  it.each(SCENARIO_KINDS)('ranks the right runbook first for scenario %s, from its failure mode\'s symptoms', (kind) => {
    const mode = modes.find((m) => m.id === SCENARIO_FAILURE_MODE[kind])!;

    const hits = index.search({ symptoms: mode.symptoms }, 3);

    expect(hits[0].runbookId).toBe(SCENARIO_RUNBOOK[kind]);
  });

  it.each(runbooks.map((r) => [r.id, r] as const))('ranks %s first for its own listed symptoms', (id, runbook) => {
    const hits = index.search({ symptoms: runbook.meta.symptoms }, 3);

    expect(hits[0].runbookId).toBe(id);
    expect(hits[0].section).toBe('Symptoms');
  });

  it.each(modes.map((m) => m.id))('finds a runbook that lists failure mode %s', (id) => {
    const hits = index.search({ failureMode: id }, 1);

    expect(index.byId(hits[0].runbookId)?.meta.failure_modes).toContain(id);
  });

  it('answers free text with an excerpt and the line it comes from', () => {
    const [hit] = index.search('pods evicted because the node disk is full', 3);

    expect(hit.runbookId).toBe('node-disk-pressure');
    const fileLines = readFileSync(`runbooks/${hit.runbookId}.md`, 'utf8').split('\n');
    expect(fileLines[hit.line - 1].trim()).toContain(hit.excerpt);
  });

  it('accepts a single structured symptom and returns distinct runbooks', () => {
    const hits = index.search({ component: 'workload', signal: 'latency_p99', direction: 'up' }, 5);

    expect(new Set(hits.map((h) => h.runbookId)).size).toBe(hits.length);
    expect(hits.map((h) => h.runbookId)).toEqual(expect.arrayContaining(['hpa-at-maximum', 'nic-saturation-noisy-neighbour']));
  });

  it('returns several sections of one runbook when asked', () => {
    const hits = index.search('CrashLoopBackOff previous logs exit code', 3, { maxPerRunbook: 3 });

    expect(hits.every((h) => h.runbookId === 'crashloopbackoff')).toBe(true);
  });

  it('returns nothing for a query with no known words', () => {
    expect(index.search('zzzz qqqq', 5)).toEqual([]);
  });
});
