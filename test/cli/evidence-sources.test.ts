import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src/adapters/store/index.js';
import type { EvidenceRow, RcaRow } from '../../src/adapters/store/types.js';
import { runCli } from './run-cli.js';

const NO_EVIDENCE = 'logs:\n  kind: none\nevents:\n  kind: none\nchanges:\n  kind: none\n';

describe('evidence sources beside a real fleet', () => {
  const out = mkdtempSync(join(tmpdir(), 'fleetops-evidence-sources-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('config validate exits 2 naming file, line and field of each simulated source, and what to set', async () => {
    const file = join(out, 'real.yaml');
    writeFileSync(file, 'inventory:\n  kind: prometheus\nlogs:\n  kind: simulator\nevents:\n  kind: opensearch\n');

    const run = await runCli(['config', 'validate', '--config', file, '--out', out]);

    expect(run.code).toBe(2);
    expect(run.stdout).not.toContain('config ok');
    expect(run.stderr).toContain(`${file}:4: logs.kind: simulator serves the simulated fleet's logs, but inventory.kind is prometheus (${file}:2); set logs.kind to opensearch or none`);
    expect(run.stderr).toContain(`${file}:1: changes.kind: simulator (the default) serves the simulated fleet's deploys and config changes, but inventory.kind is prometheus (${file}:2); set changes.kind to argocd or none`);
    expect(run.stderr).not.toContain('events.kind');
  });

  it('a digest on real metrics with the default evidence sources exits 2 before opening the store', async () => {
    const file = join(out, 'digest.yaml');
    writeFileSync(file, 'metrics:\n  kind: prometheus\n');

    const run = await runCli(['digest', '--config', file, '--out', out]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${file}:1: logs.kind: simulator (the default) serves the simulated fleet's logs, but metrics.kind is prometheus (${file}:2); set logs.kind to opensearch or none`);
    expect(run.stderr).toContain('events.kind: simulator (the default) serves the simulated fleet\'s Kubernetes events');
    expect(existsSync(join(out, 'fleetops.db'))).toBe(false);
  });
});

describe('digest with logs, events and changes not configured (kind none), end to end on 40 simulated clusters', () => {
  const out = mkdtempSync(join(tmpdir(), 'fleetops-evidence-none-'));
  const file = join(out, 'fleetops.yaml');
  let code = -1;
  let stderr = '';
  const groups: { title: string; evidence: EvidenceRow[]; rca?: RcaRow }[] = [];

  beforeAll(async () => {
    writeFileSync(file, `simulator:\n  clusters: 40\n  days: 1\n${NO_EVIDENCE}`);
    expect((await runCli(['scan', '--config', file, '--out', out, '--full'])).code).toBe(0);
    ({ code, stderr } = await runCli(['digest', '--config', file, '--out', out]));
    const store = await createStore({ kind: 'sqlite', path: join(out, 'fleetops.db') });
    try {
      for (const g of await store.incidents.list({})) groups.push({ title: g.title, evidence: await store.evidence.listByGroup(g.id), rca: await store.rcas.get(g.id) });
    } finally {
      await store.close();
    }
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('records each source as not configured in every group\'s evidence, and reads none of the simulated fleet\'s', () => {
    expect(code, stderr).toBe(0);
    expect(groups.length).toBeGreaterThan(0);
    for (const g of groups) {
      const sourced = g.evidence.filter((e) => ['logs', 'events', 'changes'].includes(e.source));

      expect(sourced.map((e) => `${e.source}: ${String(e.data.fact)}`).sort(), g.title).toEqual(['changes: source-not-configured', 'events: source-not-configured', 'logs: source-not-configured']);
      expect(sourced.map((e) => e.excerpt).join('\n')).toMatch(/^logs not configured \(logs\.kind: none\): no log lines of .+ were read, so whether they logged errors is unknown$/m);
      const ids = (g.rca?.body as { evidenceIds: string[] }).evidenceIds;
      expect(sourced.every((e) => ids.includes(e.id))).toBe(true);
    }
  });

  it('still ranks root causes from the remaining evidence (metrics, findings, topology)', () => {
    const decided = groups.filter((g) => g.rca?.verdict === 'root-cause');

    expect(decided.length).toBeGreaterThan(0);
  });
});
