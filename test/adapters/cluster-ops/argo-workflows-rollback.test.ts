import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createArgoWorkflowsClusterOps, ROLLBACK_ATTEMPT, ROLLBACK_REPORTED_FAILED, workflowName } from '../../../src/adapters/cluster-ops/argo-workflows/index.js';
import type { OperationRequest } from '../../../src/adapters/cluster-ops/types.js';
import { fixedClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import { startArgoFake, type ArgoFake } from '../../fakes/argo-fake.js';
import { NOW_MS, request } from './fixtures.js';

const FIRST = 'fleetops-p0123456789abcdef-rollback';
const SECOND = 'fleetops-p0123456789abcdef-rollback-2';

/**
 * The execution checkpoint's `ops` as the proposals job keeps it across runs: each onCheckpoint is
 * merged over it, and each call starts from what was saved. `dieOn` throws after a save it matches,
 * as a run killed right after that checkpoint.
 */
function job(dieOn?: (cp: Record<string, unknown>) => boolean) {
  let died = false;
  const state = { ops: {} as Record<string, unknown> };
  const req = (): OperationRequest => ({
    ...request('rollout-restart', { kind: 'Deployment', namespace: 'shop', name: 'web' }),
    checkpoint: { ...state.ops },
    onCheckpoint: async (cp) => {
      state.ops = { ...state.ops, ...cp };
      if (!died && dieOn?.(cp)) {
        died = true;
        throw new Error('the run died');
      }
    },
  });
  return { state, req };
}

describe('Argo Workflows ClusterOps: a rollback whose Workflow failed', () => {
  let argo: ArgoFake;
  beforeEach(async () => { argo = await startArgoFake({ token: 'wf-token' }); });
  afterEach(async () => { expect(argo.unexpected).toEqual([]); await argo.close(); });

  const ops = () => createArgoWorkflowsClusterOps({ baseUrl: argo.url, token: 'wf-token', namespace: 'fleetops', workflowTemplate: 'fleetops-safe-operation', clock: fixedClock(NOW_MS), logger: silentLogger });

  it('is reported failed once; the next call is a retry that submits a second Workflow, whose success is reported', async () => {
    const j = job();
    await ops().rollback(j.req());
    argo.setWorkflowPhase(FIRST, 'Failed', 'Error (exit code 1)');

    const failed = await ops().rollback(j.req());
    const retried = await ops().rollback(j.req());
    const reading = await ops().rollback(j.req());
    argo.setWorkflowPhase(SECOND, 'Succeeded');
    const succeeded = await ops().rollback(j.req());

    expect(failed).toMatchObject({ status: 'failed', message: expect.stringMatching(new RegExp(`${FIRST} Failed: Error \\(exit code 1\\)`)) });
    expect(retried).toMatchObject({ status: 'blocked', inProgress: true, message: `Argo Workflow ${SECOND} is Running (retry: ${FIRST} failed); check again on the next run` });
    expect(reading).toMatchObject({ status: 'blocked', inProgress: true });
    expect(succeeded).toMatchObject({ status: 'succeeded', message: expect.stringMatching(new RegExp(`^Argo Workflow ${SECOND} succeeded`)) });
    expect(argo.submittedNames()).toEqual([FIRST, FIRST, SECOND, SECOND, SECOND]);
    expect(argo.workflowsCreated()).toBe(2);
    expect(argo.workflow(SECOND)?.spec.arguments.parameters).toContainEqual({ name: 'mode', value: 'rollback' });
    expect(j.state.ops).toEqual({ workflow: SECOND, [ROLLBACK_ATTEMPT]: 2, [ROLLBACK_REPORTED_FAILED]: FIRST });
  });

  it.each([
    { when: 'after its attempt number was checkpointed, before the submit', dieOn: (cp: Record<string, unknown>) => cp[ROLLBACK_ATTEMPT] === 2, createdByRerun: 1 },
    { when: 'right after the submit, before reading it back', dieOn: (cp: Record<string, unknown>) => cp.workflow === SECOND, createdByRerun: 0 },
  ])('a run that dies $when: the rerun submits the same second name, never a third', async ({ dieOn, createdByRerun }) => {
    const j = job(dieOn);
    await ops().rollback(j.req());
    argo.setWorkflowPhase(FIRST, 'Failed', 'Error (exit code 1)');
    await ops().rollback(j.req());
    await expect(ops().rollback(j.req())).rejects.toThrow(/the run died/);
    const createdBefore = argo.workflowsCreated();

    const rerun = await ops().rollback(j.req());
    const again = await ops().rollback(j.req());

    expect(argo.workflowsCreated() - createdBefore).toBe(createdByRerun);
    expect(argo.workflowsCreated()).toBe(2);
    expect(new Set(argo.submittedNames())).toEqual(new Set([FIRST, SECOND]));
    expect(rerun).toMatchObject({ status: 'blocked', inProgress: true, message: expect.stringContaining(SECOND) });
    expect(again.message).toMatch(/already submitted earlier; not submitted again/);
  });

  it('still running, is only read again: no new attempt however often it is read', async () => {
    const j = job();

    await ops().rollback(j.req());
    const second = await ops().rollback(j.req());
    const third = await ops().rollback(j.req());

    expect([second.inProgress, third.inProgress]).toEqual([true, true]);
    expect(argo.workflowsCreated()).toBe(1);
    expect(argo.submittedNames()).toEqual([FIRST, FIRST, FIRST]);
    expect(j.state.ops).toEqual({ workflow: FIRST });
  });

  it('is not retried by a caller that cannot checkpoint the attempt first: the failure is reported again', async () => {
    const req = request('rollout-restart', { kind: 'Deployment', namespace: 'shop', name: 'web' });
    await ops().rollback(req);
    argo.setWorkflowPhase(FIRST, 'Failed', 'boom');

    const first = await ops().rollback(req);
    const reported = await ops().rollback({ ...req, checkpoint: { [ROLLBACK_REPORTED_FAILED]: FIRST } });

    expect([first.status, reported.status]).toEqual(['failed', 'failed']);
    expect(argo.workflowsCreated()).toBe(1);
  });

  it('retried in Argo by a person after it was reported: read as running, no second Workflow alongside it', async () => {
    const j = job();
    await ops().rollback(j.req());
    argo.setWorkflowPhase(FIRST, 'Failed', 'boom');
    await ops().rollback(j.req());
    argo.setWorkflowPhase(FIRST, 'Running');

    const running = await ops().rollback(j.req());
    argo.setWorkflowPhase(FIRST, 'Failed', 'boom again');
    const failedAgain = await ops().rollback(j.req());

    expect(running).toMatchObject({ status: 'blocked', inProgress: true, message: expect.stringContaining(FIRST) });
    expect(failedAgain).toMatchObject({ status: 'failed', message: expect.stringMatching(/Failed: boom again/) });
    expect(argo.workflowsCreated()).toBe(1);
  });

  it('deleted by its ttlStrategy after it was reported: the retry submits the second Workflow, not the first again', async () => {
    const j = job();
    await ops().rollback(j.req());
    argo.setWorkflowPhase(FIRST, 'Error', 'pod deleted');
    await ops().rollback(j.req());
    argo.deleteWorkflow(FIRST);

    const retried = await ops().rollback(j.req());

    expect(retried).toMatchObject({ status: 'blocked', inProgress: true, message: expect.stringContaining(SECOND) });
    expect(argo.workflow(FIRST)).toBeUndefined();
    expect(argo.submittedNames()).toEqual([FIRST, FIRST, SECOND]);
  });

  it('stops the current attempt\'s Workflow', async () => {
    const j = job();
    await ops().rollback(j.req());
    argo.setWorkflowPhase(FIRST, 'Failed', 'boom');
    await ops().rollback(j.req());
    await ops().rollback(j.req());

    const stopped = await ops().stop(j.req(), 'rollback', 'fleetops: no result within 60 min');

    expect(stopped).toMatchObject({ status: 'succeeded', message: `asked Argo to stop Workflow ${SECOND}` });
    expect(argo.stops.map((s) => s.name)).toEqual([SECOND]);
  });

  it.each([
    { field: ROLLBACK_ATTEMPT, value: 'two', error: /proposal p0123456789abcdef: checkpoint ops\.rollbackWorkflowAttempt must be a whole number from 1, found "two"; nothing was submitted/ },
    { field: ROLLBACK_ATTEMPT, value: 0, error: /rollbackWorkflowAttempt must be a whole number from 1, found 0/ },
    { field: ROLLBACK_REPORTED_FAILED, value: 7, error: /checkpoint ops\.rollbackWorkflowReportedFailed must be a Workflow name, found 7/ },
  ])('refuses a checkpoint whose $field is $value, naming it, and submits nothing', async ({ field, value, error }) => {
    const req = request('rollout-restart', { kind: 'Deployment', namespace: 'shop', name: 'web' }, {}, { checkpoint: { [field]: value } });

    await expect(ops().rollback(req)).rejects.toThrow(error);
    expect(argo.requests).toEqual([]);
  });

  it('leaves execute as it was: one Workflow, never retried under another name', async () => {
    const j = job();
    await ops().execute(j.req());
    argo.setWorkflowPhase(workflowName('p0123456789abcdef', 'execute'), 'Failed', 'boom');

    await ops().execute(j.req());
    await ops().execute(j.req());

    expect(argo.submittedNames()).toEqual(Array(3).fill('fleetops-p0123456789abcdef'));
    expect(j.state.ops).toEqual({ workflow: 'fleetops-p0123456789abcdef' });
  });
});

describe('workflowName', () => {
  const long = `p${'0123456789abcdef'.repeat(4)}`;

  it.each([
    { id: 'p0123456789abcdef', mode: 'execute' as const, attempt: 3, name: 'fleetops-p0123456789abcdef' },
    { id: 'p0123456789abcdef', mode: 'rollback' as const, attempt: 1, name: 'fleetops-p0123456789abcdef-rollback' },
    { id: 'p0123456789abcdef', mode: 'rollback' as const, attempt: 2, name: 'fleetops-p0123456789abcdef-rollback-2' },
    { id: long, mode: 'execute' as const, attempt: 1, name: `fleetops-${long.slice(0, 40)}` },
    { id: long, mode: 'rollback' as const, attempt: 1, name: `fleetops-${long.slice(0, 40)}-rollback` },
    { id: long, mode: 'rollback' as const, attempt: 9999, name: `fleetops-${long.slice(0, 40)}-rollback-9999` },
    { id: long, mode: 'rollback' as const, attempt: 123456, name: `fleetops-${long.slice(0, 38)}-rollback-123456` },
  ])('$mode attempt $attempt of $id is $name (at most 63 characters)', ({ id, mode, attempt, name }) => {
    expect(workflowName(id, mode, attempt)).toBe(name);
    expect(name.length).toBeLessThanOrEqual(63);
  });
});
