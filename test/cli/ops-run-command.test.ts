import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStore } from '../../src/adapters/store/index.js';
import type { ProposalRow } from '../../src/adapters/store/types.js';
import { OPS_RUN_ROUNDS, opsRunCommand, parseOperationRequest, runUntilSettled } from '../../src/cli/commands/ops-run-command.js';
import { parseCommandArgs } from '../../src/cli/parse-args.js';
import { fixedClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';

const ROLLOUT = { operationId: 'p-0123456789ab', operation: 'rollout-restart', target: { cluster: 'c-us-east-1-0001', kind: 'Deployment', namespace: 'kube-system', name: 'coredns' }, params: {} };

const SCALE = { operationId: 'p-5ca1e0000001', operation: 'scale-workload', target: { cluster: 'c-us-east-1-0001', kind: 'Deployment', namespace: 'payments', name: 'api' }, params: { direction: 'up', replicas: 4 } };

type Request = typeof ROLLOUT | typeof SCALE;

let out: string;
beforeEach(() => { out = mkdtempSync(join(tmpdir(), 'fleetops-ops-run-')); });
afterEach(() => { rmSync(out, { recursive: true, force: true }); });

/**
 * Stores the proposal a request stands for, as the proposals job leaves it once approval started it:
 * state executing, catalog defaults applied to params, checkpoint phase executing.
 */
async function storeProposal(req: Request, over: Partial<ProposalRow> = {}): Promise<void> {
  const store = await createStore({ kind: 'sqlite', path: join(out, 'fleetops.db') });
  try {
    await store.migrate();
    const at = Date.UTC(2026, 10, 30, 5);
    const defaults = req.operation === 'rollout-restart' ? { maxUnavailablePercent: 0, maxSurgePercent: 25 } : { maxStepReplicas: 10 };
    await store.proposals.insert({
      id: req.operationId, groupId: 'g-1', operation: req.operation, cluster: req.target.cluster, target: { ...req.target }, params: { ...defaults, ...req.params },
      risk: 'low', state: 'executing', createdAtMs: at, expiresAtMs: at + 3_600_000, updatedAtMs: at, checkpoint: { phase: 'executing', attempts: 1 }, ...over,
    });
  } finally {
    await store.close();
  }
}

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
    await storeProposal(ROLLOUT);

    const res = await opsRun(['--mode', 'execute', '--request', JSON.stringify(ROLLOUT)]);

    const lines = res.stdout.trim().split('\n');
    const outcome = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(res.code).toBe(0);
    expect(lines).toHaveLength(1);
    expect(outcome).toMatchObject({ operationId: ROLLOUT.operationId, operation: 'rollout-restart', mode: 'execute', executor: 'dry-run', status: 'succeeded' });
    expect(outcome.calls).toBeGreaterThan(0);
  });

  it('exits 1 with status failed when the operation fails (a rollout restart cannot be rolled back)', async () => {
    await storeProposal(ROLLOUT, { checkpoint: { phase: 'rolling-back', attempts: 1, reason: 'the symptom did not recover' } });

    const res = await opsRun(['--mode', 'rollback', '--request', JSON.stringify(ROLLOUT)]);

    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout)).toMatchObject({ mode: 'rollback', status: 'failed', message: expect.stringMatching(/cannot be undone/) });
  });

  it('reads the request from @file', async () => {
    const file = join(out, 'request.json');
    writeFileSync(file, JSON.stringify(ROLLOUT));
    await storeProposal(ROLLOUT);

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
    // before: `--request: target.kind: Invalid option: expected one of "Pod"|"Deployment"|…`
    { request: { ...ROLLOUT, target: { ...ROLLOUT.target, kind: 'Namespace' } }, lines: ['--request: target.kind: expected one of "Pod", "Deployment", "StatefulSet", "DaemonSet", "Node", "HorizontalPodAutoscaler", found string "Namespace"'] },
    { request: { ...ROLLOUT, operationId: '', target: { cluster: 'c-us-east-1-0001', kind: 'Deployment' } }, lines: ['--request: operationId: expected a string of at least 1 character, found string ""', '--request: target.name: expected a string, found nothing'] },
    { request: { ...ROLLOUT, approvedBy: 'me' }, lines: ['--request: approvedBy: unknown key (check spelling)'] },
    { request: [ROLLOUT], lines: ['--request: (root): expected a mapping, found a list of 1 item'] },
  ])('names each bad field of the request in words: $request', ({ request, lines }) => {
    const error = (() => {
      try { parseOperationRequest(JSON.stringify(request)); } catch (err) { return (err as Error).message; }
      return '';
    })();

    expect(error.split('\n')).toEqual(lines);
    expect(error).not.toMatch(/Invalid option|Invalid input|Too small|Too big|Unrecognized key/);
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

  describe('requires the executing proposal the request stands for', () => {
    it('refuses a request whose proposal is not in the store (exit 2), naming the id, and runs nothing', async () => {
      await storeProposal(SCALE);

      const res = await opsRun(['--mode', 'execute', '--request', JSON.stringify(ROLLOUT)]);

      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(/fleetops ops run: --request: refused: no proposal p-0123456789ab in the store/);
      expect(res.stdout).toBe('');
    });

    it.each(['proposed', 'approved', 'rejected', 'succeeded', 'rolled-back'] as const)('refuses a proposal in state %s (exit 2), naming the state', async (state) => {
      await storeProposal(ROLLOUT, { state });

      const res = await opsRun(['--mode', 'execute', '--request', JSON.stringify(ROLLOUT)]);

      expect(res.code).toBe(2);
      expect(res.stderr).toContain(`fleetops ops run: --request: refused: proposal p-012345 is ${state}, not executing`);
      expect(res.stdout).toBe('');
    });

    it.each([
      { name: 'a different replica count', request: { ...SCALE, params: { ...SCALE.params, replicas: 40 } }, error: 'params.replicas: request 40, approved proposal 4' },
      { name: 'a different direction', request: { ...SCALE, params: { ...SCALE.params, direction: 'down' } }, error: 'params.direction: request "down", approved proposal "up"' },
      { name: 'a parameter the proposal left at its default', request: { ...SCALE, params: { ...SCALE.params, maxStepReplicas: 50 } }, error: 'params.maxStepReplicas: request 50, approved proposal 10' },
      { name: 'another cluster', request: { ...SCALE, target: { ...SCALE.target, cluster: 'c-eu-west-1-0002' } }, error: 'target.cluster: request "c-eu-west-1-0002", approved proposal "c-us-east-1-0001"' },
      { name: 'another namespace', request: { ...SCALE, target: { ...SCALE.target, namespace: 'kube-system' } }, error: 'target.namespace: request "kube-system", approved proposal "payments"' },
      { name: 'another workload', request: { ...SCALE, target: { ...SCALE.target, name: 'db' } }, error: 'target.name: request "db", approved proposal "api"' },
      { name: 'another target kind', request: { ...SCALE, target: { ...SCALE.target, kind: 'StatefulSet' } }, error: 'target.kind: request "StatefulSet", approved proposal "Deployment"' },
      { name: 'another operation', request: { ...ROLLOUT, operationId: SCALE.operationId, target: SCALE.target }, error: 'operation: request "rollout-restart", approved proposal "scale-workload"' },
    ])('refuses a request that differs from the approved proposal in $name (exit 2), naming the field', async ({ request, error }) => {
      await storeProposal(SCALE);

      const res = await opsRun(['--mode', 'execute', '--request', JSON.stringify(request)]);

      expect(res.code).toBe(2);
      expect(res.stderr).toContain(`--request: refused: the request does not match proposal p-5ca1e0: ${error}`);
      expect(res.stdout).toBe('');
    });

    it('runs a request that leaves out parameters the stored proposal holds as catalog defaults (exit 0)', async () => {
      await storeProposal(SCALE);

      const res = await opsRun(['--mode', 'execute', '--request', JSON.stringify(SCALE)]);

      expect(res.code).toBe(0);
      expect(JSON.parse(res.stdout)).toMatchObject({ operationId: SCALE.operationId, operation: 'scale-workload', cluster: 'c-us-east-1-0001', mode: 'execute', status: 'succeeded' });
    });

    it.each([undefined, 'executing', 'verifying'])('refuses a rollback while the checkpoint phase is %s, not rolling-back (exit 2)', async (phase) => {
      await storeProposal(SCALE, { checkpoint: phase === undefined ? undefined : { phase, attempts: 1, ops: { previousReplicas: 3 } } });

      const res = await opsRun(['--mode', 'rollback', '--request', JSON.stringify(SCALE)]);

      expect(res.code).toBe(2);
      expect(res.stderr).toContain(`--request: refused: proposal p-5ca1e0 is in phase "${phase ?? 'executing'}", not rolling-back`);
      expect(res.stdout).toBe('');
    });

    it('rolls back with the stored checkpoint when the request carries none, so it undoes what the execution did', async () => {
      await storeProposal(SCALE, { checkpoint: { phase: 'rolling-back', attempts: 1, ops: { previousReplicas: 3 }, reason: 'the symptom did not recover' } });

      const res = await opsRun(['--mode', 'rollback', '--request', JSON.stringify(SCALE)]);

      expect(res.code).toBe(0);
      expect(JSON.parse(res.stdout)).toMatchObject({ mode: 'rollback', status: 'succeeded', message: expect.stringMatching(/scaled Deployment payments\/api back to 3 replicas/) });
    });

    it('takes the proposal\'s execution lease and lets it go; while another process holds it, runs nothing (exit 1)', async () => {
      const now = Date.UTC(2026, 10, 30, 6);
      await storeProposal(SCALE);
      const ok = await opsRun(['--mode', 'execute', '--request', JSON.stringify(SCALE)]);
      const store = await createStore({ kind: 'sqlite', path: join(out, 'fleetops.db') });
      const after = await store.proposals.get(SCALE.operationId);
      // held by the proposals job (say, mid-run): ops run waits up to the lease TTL, then gives up
      expect(await store.proposals.acquireLease(SCALE.operationId, 'run-proposals-job', now, 600_000)).toBe(true);
      await store.close();

      const held = await opsRun(['--mode', 'execute', '--request', JSON.stringify(SCALE)], { FLEETOPS__REMEDIATION__LEASETTLSECONDS: '5' });

      expect(ok.code).toBe(0);
      expect(after?.leaseUntilMs ?? 0).toBeLessThanOrEqual(now);
      expect(held.code).toBe(1);
      expect(held.stdout).toContain('another process held its execution lease for 5 s; nothing was run');
    }, 20_000);

    it('ignores a checkpoint in the request: a caller cannot steer the rollback', async () => {
      await storeProposal(SCALE, { checkpoint: { phase: 'rolling-back', attempts: 1, ops: { previousReplicas: 3 }, reason: 'the symptom did not recover' } });

      const res = await opsRun(['--mode', 'rollback', '--request', JSON.stringify({ ...SCALE, checkpoint: { previousReplicas: 400 } })]);

      expect(res.code).toBe(0);
      expect(JSON.parse(res.stdout).message).toMatch(/back to 3 replicas/);
    });

    it.each(['verifying', 'rolling-back'])('refuses to execute again while the checkpoint phase is %s (exit 2)', async (phase) => {
      await storeProposal(SCALE, { checkpoint: { phase, attempts: 1, ops: { previousReplicas: 3 } } });

      const res = await opsRun(['--mode', 'execute', '--request', JSON.stringify(SCALE)]);

      expect(res.code).toBe(2);
      expect(res.stderr).toContain(`--request: refused: proposal p-5ca1e0 is in phase "${phase}", not executing`);
      expect(res.stdout).toBe('');
    });
  });
});

describe('ops run: an operation still under way', () => {
  it('is run again from the checkpoint it returned until it settles, at most the rounds given', async () => {
    const seen: (Record<string, unknown> | undefined)[] = [];
    const answers = [
      { status: 'blocked' as const, inProgress: true, calls: [], message: 'still rolling out', checkpoint: { restartedAt: 't', heldStrategy: {} } },
      { status: 'blocked' as const, inProgress: true, calls: [], message: 'still rolling out', checkpoint: { restartedAt: 't', heldStrategy: {}, polls: 2 } },
      { status: 'succeeded' as const, calls: [], message: 'restored', checkpoint: { restartedAt: 't', strategyRestored: true } },
    ];
    const step = async (cp?: Record<string, unknown>) => { seen.push(cp); return answers[seen.length - 1]; };

    const settled = await runUntilSettled(step, { phase: 'stored' }, OPS_RUN_ROUNDS);

    expect(settled.status).toBe('succeeded');
    expect(seen).toEqual([{ phase: 'stored' }, answers[0].checkpoint, answers[1].checkpoint]);

    seen.length = 0;
    const stuck = await runUntilSettled(async (cp) => { seen.push(cp); return answers[0]; }, undefined, 3);
    expect(stuck.inProgress).toBe(true);
    expect(seen).toHaveLength(3);
  });
});
