import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from './run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'fleetops-config-print-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function secretsPrinted(yaml: string, env: NodeJS.ProcessEnv = {}): Promise<Record<string, string>> {
  const file = join(tmp, 'fleetops.yaml');
  writeFileSync(file, yaml);
  const run = await runCli(['config', 'print', '--config', file, '--out', tmp], env);
  expect(run.code, run.stderr).toBe(0);
  return (parse(run.stdout) as { secretsFromEnvironment: Record<string, string> }).secretsFromEnvironment;
}

describe('config print: secretsFromEnvironment', () => {
  it('lists the Argo CD and Argo Workflows tokens of clusterOps when they are configured and used', async () => {
    const secrets = await secretsPrinted(
      'clusterOps:\n  kind: argo-workflows\n  argocd:\n    url: https://argocd.example.com\n  argoWorkflows:\n    url: https://argo.example.com\n    tokenEnv: WF_TOKEN\n',
      { ARGOCD_AUTH_TOKEN: 'very-secret' },
    );

    // before: only FLEETOPS_DATABASE_URL, SLACK_BOT_TOKEN and ARGOCD_TOKEN
    expect(secrets).toMatchObject({ ARGOCD_AUTH_TOKEN: '*** (set)', WF_TOKEN: '(unset)' });
    expect(JSON.stringify(secrets)).not.toContain('very-secret');
  });

  it('lists the secrets of the chosen auth kinds of Prometheus and OpenSearch', async () => {
    const secrets = await secretsPrinted(
      'metrics:\n  kind: prometheus\n  prometheus:\n    auth:\n      kind: basic\n      username: u\nlogs:\n  kind: opensearch\nevents:\n  kind: none\nchanges:\n  kind: none\nopensearch:\n  node: https://os.example.com\n  auth:\n    kind: bearer\n',
      { PROMETHEUS_PASSWORD: 'p' },
    );

    expect(secrets).toMatchObject({ PROMETHEUS_PASSWORD: '*** (set)', OPENSEARCH_TOKEN: '(unset)' });
  });

  it('leaves out a section that is configured but not used (Argo Workflows beside another executor); always lists the three', async () => {
    const secrets = await secretsPrinted('clusterOps:\n  kind: dry-run\n  argoWorkflows:\n    url: https://argo.example.com\n');

    expect(Object.keys(secrets).sort()).toEqual(['ARGOCD_TOKEN', 'FLEETOPS_DATABASE_URL', 'SLACK_BOT_TOKEN']);
  });
});
