import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStore } from '../../src/adapters/store/index.js';
import type { Store } from '../../src/adapters/store/types.js';
import { runCli } from './run-cli.js';

const SMALL_FLEET = 'simulator:\n  clusters: 10\n  days: 1\n';
/** A real inventory or metrics source needs its evidence sources set (simulated ones are refused): last, so line numbers hold. */
const NO_EVIDENCE = 'logs:\n  kind: none\nevents:\n  kind: none\nchanges:\n  kind: none\n';

let out: string;
beforeEach(() => { out = mkdtempSync(join(tmpdir(), 'fleetops-job-config-')); });
afterEach(() => { rmSync(out, { recursive: true, force: true }); });

function configFile(yaml: string): string {
  const file = join(out, 'fleetops.yaml');
  writeFileSync(file, `${SMALL_FLEET}${yaml}`);
  return file;
}

/** The store is opened (and the run recorded) only once the job starts its work. */
const storeOpened = () => existsSync(join(out, 'fleetops.db'));

async function withStore<T>(use: (store: Store) => Promise<T>): Promise<T> {
  const store = await createStore({ kind: 'sqlite', path: join(out, 'fleetops.db') });
  try {
    await store.migrate();
    return await use(store);
  } finally {
    await store.close();
  }
}

describe('a job checks the sections it uses on some paths only before any work', () => {
  it.each([
    {
      name: 'OpenSearch logs without the password',
      yaml: 'logs:\n  kind: opensearch\nopensearch:\n  auth:\n    kind: basic\n    username: fleetops\n',
      expected: ':7: opensearch.auth.passwordEnv: environment variable OPENSEARCH_PASSWORD is not set',
    },
    {
      name: 'OpenSearch events without the token',
      yaml: 'events:\n  kind: opensearch\nopensearch:\n  auth:\n    kind: bearer\n',
      expected: ':7: opensearch.auth.tokenEnv: environment variable OPENSEARCH_TOKEN is not set',
    },
    {
      name: 'Argo CD changes without the server URL',
      yaml: 'changes:\n  kind: argocd\n',
      expected: ':4: changes.argocd.url: expected the Argo CD server URL when changes.kind is argocd, found nothing',
    },
  ])('digest: $name exits 2 naming file, line and field, and opens nothing', async ({ yaml, expected }) => {
    const file = configFile(yaml);

    const run = await runCli(['digest', '--config', file, '--out', out]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${file}${expected}`);
    expect(storeOpened()).toBe(false);
  });

  it('digest: a runbooks folder that does not exist exits 2 naming the field, and opens nothing', async () => {
    const missing = join(out, 'no-runbooks');
    const file = configFile(`runbooksDir: ${missing}\n`);

    const run = await runCli(['digest', '--config', file, '--out', out]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`runbooksDir: runbook folder ${missing} does not exist`);
    expect(storeOpened()).toBe(false);
  });

  it('digest: an OpenSearch node that is not a URL is refused with the config, as before', async () => {
    const file = configFile('logs:\n  kind: opensearch\nopensearch:\n  node: not a url\n');

    const run = await runCli(['digest', '--config', file, '--out', out]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${file}:7: opensearch.node:`);
    expect(storeOpened()).toBe(false);
  });

  it('report: Prometheus alert history without the bearer token exits 2 naming file, line and field, and opens nothing', async () => {
    const file = configFile(`metrics:\n  kind: prometheus\n  prometheus:\n    auth:\n      kind: bearer\n${NO_EVIDENCE}`);

    const run = await runCli(['report', '--config', file, '--out', out]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${file}:7: metrics.prometheus.auth.tokenEnv: environment variable PROMETHEUS_BEARER_TOKEN is not set`);
    expect(storeOpened()).toBe(false);
  });

  it('proposals: metrics for verifying an operation, without the token, exits 2 even with nothing to verify yet', async () => {
    const file = configFile(`metrics:\n  kind: prometheus\n  prometheus:\n    auth:\n      kind: bearer\n${NO_EVIDENCE}`);

    const run = await runCli(['proposals', '--config', file, '--out', out]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${file}:7: metrics.prometheus.auth.tokenEnv: environment variable PROMETHEUS_BEARER_TOKEN is not set`);
    expect(storeOpened()).toBe(false);
  });

  it('proposals: an inventory file that does not exist (read by the guardrails) exits 2 naming the field and the file', async () => {
    const missing = join(out, 'clusters.yaml');
    const file = configFile(`inventory:\n  kind: file\n  file: ${missing}\n${NO_EVIDENCE}`);

    const run = await runCli(['proposals', '--config', file, '--out', out]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`inventory.file ${missing}: cannot read it (ENOENT)`);
    expect(storeOpened()).toBe(false);
  });

  it('ops run: the kubernetes executor without its registry file exits 2 naming file, line and field, before the store', async () => {
    const request = { operationId: 'p-0123456789ab', operation: 'rollout-restart', target: { cluster: 'c-us-east-1-0001', kind: 'Deployment', namespace: 'kube-system', name: 'coredns' }, params: {} };
    const file = configFile('clusterOps:\n  kind: kubernetes\n');

    const run = await runCli(['ops', 'run', '--config', file, '--out', out, '--mode', 'execute', '--request', JSON.stringify(request)]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${file}:4: clusterOps.registryFile: expected the cluster registry file`);
    expect(storeOpened()).toBe(false);
  });

  it('ops run: a registry file that does not exist exits 2 naming the field, with no run recorded', async () => {
    const request = { operationId: 'p-0123456789ab', operation: 'rollout-restart', target: { cluster: 'c-us-east-1-0001', kind: 'Deployment', namespace: 'kube-system', name: 'coredns' }, params: {} };
    const registry = join(out, 'clusters.yaml');
    const file = configFile(`clusterOps:\n  kind: kubernetes\n  registryFile: ${registry}\n`);
    const at = Date.UTC(2026, 10, 30, 5);
    await withStore((store) => store.proposals.insert({
      id: request.operationId, groupId: 'g-1', operation: request.operation, cluster: request.target.cluster, target: { ...request.target },
      params: { maxUnavailablePercent: 0, maxSurgePercent: 25 }, risk: 'low', state: 'executing', createdAtMs: at, expiresAtMs: at + 3_600_000, updatedAtMs: at,
      checkpoint: { phase: 'executing', attempts: 1 },
    }));

    const run = await runCli(['ops', 'run', '--config', file, '--out', out, '--mode', 'execute', '--request', JSON.stringify(request)]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`cannot read cluster registry ${registry}: check clusterOps.registryFile`);
    expect(await withStore((store) => store.runs.list({ limit: 10 }))).toEqual([]);
  });
});

describe('sections a job never uses, and sections left at their defaults, still pass', () => {
  it('a scan is not refused for OpenSearch logs without the password (it reads no logs)', async () => {
    const file = configFile('logs:\n  kind: opensearch\nopensearch:\n  auth:\n    kind: basic\n    username: fleetops\n');

    const run = await runCli(['scan', '--config', file, '--out', out]);

    expect(run.stderr).not.toContain('opensearch');
    expect(run.code).toBe(0);
  });

  it('a digest on the embedded defaults runs', async () => {
    const file = configFile('');

    const run = await runCli(['digest', '--config', file, '--out', out]);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
});

describe('demo: checks what every step uses before the first step', () => {
  it('exits 2 naming file, line and field, and runs no step', async () => {
    const file = configFile('logs:\n  kind: opensearch\nopensearch:\n  auth:\n    kind: basic\n    username: fleetops\n');
    const env = { ...process.env, FLEETOPS_CONFIG: '', OPENSEARCH_PASSWORD: '' };

    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'demo', '--config', file, '--out', out], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));

    expect(code).toBe(2);
    expect(stderr).toContain(`${file}:7: opensearch.auth.passwordEnv: environment variable OPENSEARCH_PASSWORD is not set`);
    expect(existsSync(join(out, 'scan'))).toBe(false);
  }, 60_000);
});
