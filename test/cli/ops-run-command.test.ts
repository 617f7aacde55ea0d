import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { opsRunCommand } from '../../src/cli/commands/ops-run-command.js';
import { parseCommandArgs } from '../../src/cli/parse-args.js';
import { fixedClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';

const ROLLOUT = { operationId: 'p-0123456789ab', operation: 'rollout-restart', target: { cluster: 'c-us-east-1-0001', kind: 'Deployment', namespace: 'kube-system', name: 'coredns' }, params: {} };

let out: string;
beforeEach(() => { out = mkdtempSync(join(tmpdir(), 'fleetops-ops-run-')); });
afterEach(() => { rmSync(out, { recursive: true, force: true }); });

/** Like test/cli/run-cli.ts, but calls the command directly (it is registered in index.ts by the lead). */
async function opsRun(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (t: string) => { stdout += t; }, stderr: (t: string) => { stderr += t; }, env, clock: fixedClock(Date.UTC(2026, 10, 30, 6)), logger: silentLogger, isTty: false };
  const code = await opsRunCommand.run(parseCommandArgs(['--out', out, ...argv], opsRunCommand.options), io);
  return { code, stdout, stderr };
}

describe('fleetops ops run', () => {
  it('executes a catalog operation on the dry-run executor and prints one JSON line (exit 0)', async () => {
    const res = await opsRun(['--mode', 'execute', '--request', JSON.stringify(ROLLOUT)]);

    const lines = res.stdout.trim().split('\n');
    const outcome = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(res.code).toBe(0);
    expect(lines).toHaveLength(1);
    expect(outcome).toMatchObject({ operationId: ROLLOUT.operationId, operation: 'rollout-restart', mode: 'execute', executor: 'dry-run', status: 'succeeded' });
    expect(outcome.calls).toBeGreaterThan(0);
  });

  it('exits 1 with status failed when the operation fails (a rollout restart cannot be rolled back)', async () => {
    const res = await opsRun(['--mode', 'rollback', '--request', JSON.stringify(ROLLOUT)]);

    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout)).toMatchObject({ mode: 'rollback', status: 'failed', message: expect.stringMatching(/cannot be undone/) });
  });

  it('reads the request from @file', async () => {
    const file = join(out, 'request.json');
    writeFileSync(file, JSON.stringify(ROLLOUT));

    const res = await opsRun(['--mode', 'execute', '--request', `@${file}`]);

    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ status: 'succeeded' });
  });

  it.each([
    { name: 'an operation outside the catalog', request: { ...ROLLOUT, operation: 'delete-namespace' }, error: /refused: operation "delete-namespace" is not in the safe-operation catalog/ },
    { name: 'a target kind the operation cannot act on', request: { ...ROLLOUT, target: { ...ROLLOUT.target, kind: 'Pod' } }, error: /rollout-restart cannot act on a Pod/ },
    { name: 'a parameter out of bounds', request: { ...ROLLOUT, params: { maxUnavailablePercent: 90 } }, error: /rollout-restart: .*maxUnavailablePercent/ },
    { name: 'a missing target name', request: { ...ROLLOUT, target: { cluster: 'c-us-east-1-0001', kind: 'Deployment' } }, error: /--request: target\.name:/ },
    { name: 'an unknown target kind', request: { ...ROLLOUT, target: { ...ROLLOUT.target, kind: 'Namespace' } }, error: /--request: target\.kind:/ },
    { name: 'a missing operationId', request: { operation: 'rollout-restart', target: ROLLOUT.target, params: {} }, error: /--request: operationId:/ },
  ])('refuses $name with exit 2 and prints nothing on stdout', async ({ request, error }) => {
    const res = await opsRun(['--mode', 'execute', '--request', JSON.stringify(request)]);

    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(error);
    expect(res.stdout).toBe('');
  });

  it.each([
    { argv: ['--mode', 'execute', '--request', '{"operationId": '], error: /--request: invalid JSON/ },
    { argv: ['--mode', 'execute'], error: /--request: required/ },
    { argv: ['--mode', 'apply', '--request', JSON.stringify(ROLLOUT)], error: /--mode: expected execute or rollback, found "apply"/ },
    { argv: ['--mode', 'execute', '--request', '@/nonexistent/request.json'], error: /--request: cannot read \/nonexistent\/request.json \(ENOENT\)/ },
  ])('refuses bad usage $argv with exit 2', async ({ argv, error }) => {
    const res = await opsRun(argv);

    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(error);
  });

  it('refuses clusterOps.kind argo-workflows (the Workflow would submit itself again)', async () => {
    const res = await opsRun(['--mode', 'execute', '--request', JSON.stringify(ROLLOUT)], { FLEETOPS__CLUSTEROPS__KIND: 'argo-workflows' });

    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/clusterOps\.kind: expected kubernetes .* found argo-workflows/);
    expect(res.stdout).toBe('');
  });
});
