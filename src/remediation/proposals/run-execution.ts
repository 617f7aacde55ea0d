import type { ClusterOps, OperationOutcome } from '../../adapters/cluster-ops/types.js';
import type { ProposalRow } from '../../adapters/store/types.js';
import { SafetyViolationError } from '../../core/errors.js';
import { demote } from '../autonomy/demotions.js';
import { LEVEL_NAMES } from '../autonomy/autonomy-level.js';
import { findOperation } from '../catalog/safe-operation-schema.js';
import { heldBy } from '../ops/run-operation.js';
import { closeFleetActionAfter } from './close-if-canary-failed.js';
import { operationRequest } from './create-proposal.js';
import { takeLease, type HeldLease } from './execution-lease.js';
import { loadProposalContext } from './proposal-context.js';
import { shortId } from './proposal-id.js';
import { isUnstarted, releaseUnstartedClaim, transitionProposal } from './proposal-state.js';
import { findProposalPost, postThreadNote } from './proposal-thread.js';
import { scopeOf, type RemediationDeps } from './remediation-deps.js';

export type ExecutionResult = 'lease-held' | 'deferred' | 'interrupted' | 'in-progress' | 'verifying' | 'succeeded' | 'failed' | 'rolled-back' | 'retry';

interface Checkpoint {
  phase: 'executing' | 'verifying' | 'rolling-back';
  attempts: number;
  ops?: Record<string, unknown>;
  executedAtMs?: number;
  reason?: string;
  /** When the execution (the rollback) first started: its in-progress deadline counts from there. */
  startedAtMs?: number;
  rollbackStartedAtMs?: number;
  /** When the executor was asked to stop an execution still in progress at its deadline. */
  stopRequestedAtMs?: number;
  /** The in-progress (or failed release) answer the last run audited: the same answer again is not audited again. */
  inProgressMessage?: string;
  /** The rolling-back phase only releases what the operation held while running (see release()); it undoes nothing. */
  releasing?: boolean;
}

/** How long a stopped operation may take to end before fleetops leaves it to a person. */
export const STOP_GRACE_MS = 10 * 60_000;

/** The executor's stop, where its operations run elsewhere and can be stopped (Argo Workflows). */
function stopperOf(ops: ClusterOps): Pick<Required<ClusterOps>, 'stop'> | undefined {
  return ops.stop ? { stop: ops.stop.bind(ops) } : undefined;
}

interface Run { deps: RemediationDeps; p: ProposalRow; lease: HeldLease; cp: Checkpoint }

function readCheckpoint(p: ProposalRow): Checkpoint {
  const c = p.checkpoint ?? {};
  const phase = c.phase === 'verifying' || c.phase === 'rolling-back' ? c.phase : 'executing';
  return { ...c, phase, attempts: typeof c.attempts === 'number' ? c.attempts : 0 } as Checkpoint;
}

async function audit(run: Run, action: string, details: Record<string, unknown>): Promise<void> {
  await run.deps.store.audit.append({ atMs: run.deps.clock.nowMs(), actor: run.deps.owner, action, subject: run.p.id, details });
}

async function note(run: Run, event: string, text: string): Promise<void> {
  const post = await findProposalPost(run.deps.store, run.p);
  if (post) await postThreadNote(run.deps, post, run.p.id, event, text);
}

async function save(run: Run, cp: Checkpoint): Promise<void> {
  if (!(await run.lease.saveCheckpoint({ ...cp }))) throw new SafetyViolationError(`proposal ${shortId(run.p.id)}: execution lease lost; another run continues it`);
  run.cp = cp;
}

async function finish(run: Run, to: 'succeeded' | 'failed' | 'rolled-back', details: Record<string, unknown>): Promise<ExecutionResult> {
  const { deps, p } = run;
  await transitionProposal(deps.store, p, to, deps.clock.nowMs(), { actor: deps.owner, details }, { checkpoint: { ...run.cp } });
  if (to === 'succeeded') return to;
  const context = await loadProposalContext(deps.store, p.id);
  const demotion = context && await demote(deps.store, deps.config, scopeOf(p, context), p.id, `${to}: ${String(details.reason ?? '')}`, deps.clock.nowMs());
  if (demotion) await note(run, 'demoted', `Autonomy for ${p.operation} in ${context?.environment}/${context?.tier} lowered to level ${demotion.level} (${LEVEL_NAMES[demotion.level]}) after this ${to} execution. Only a config change raises it again.`);
  // a failed canary stops its fleet action: the other clusters' open proposals are closed now, not left for approval
  await closeFleetActionAfter(deps, p);
  return to;
}

/** What the operation still holds only while running, per its checkpoint (a restart's held strategy). */
const holding = (run: Run): string | undefined => heldBy(run.p.operation, run.cp.ops);

function overdue(run: Run, sinceMs: number | undefined): boolean {
  return sinceMs !== undefined && run.deps.clock.nowMs() > sinceMs + run.deps.config.maxInProgressMinutes * 60_000;
}

async function rollBack(run: Run, reason: string): Promise<ExecutionResult> {
  const { deps, p } = run;
  const op = findOperation(deps.catalog, p.operation);
  if (!op?.reversible) {
    if (holding(run)) return release(run, reason);
    await note(run, 'failed', `\`${shortId(p.id)}\` failed (${reason}) and ${p.operation} cannot be undone automatically: a person must check ${p.cluster}.`);
    return finish(run, 'failed', { reason, rollback: 'not-possible' });
  }
  // a rollback still running elsewhere is entered again by later runs: started once, then resumed
  // (or, when the last run left it in progress, only checked again)
  const resumed = run.cp.phase === 'rolling-back';
  const waiting = resumed ? run.cp.inProgressMessage : undefined;
  const nowMs = deps.clock.nowMs();
  await save(run, { ...run.cp, phase: 'rolling-back', reason, rollbackStartedAtMs: resumed ? run.cp.rollbackStartedAtMs ?? nowMs : nowMs, inProgressMessage: undefined });
  if (waiting === undefined) await audit(run, resumed ? 'rollback.resumed' : 'rollback.started', { reason });
  const outcome = await deps.clusterOps.rollback({ ...operationRequest(p), checkpoint: run.cp.ops, abortSignal: run.lease.signal });
  // a rollback still running elsewhere (an Argo Workflow) is read again on the next run, in this phase
  if (outcome.inProgress) {
    await save(run, { ...run.cp, inProgressMessage: outcome.message });
    if (overdue(run, run.cp.rollbackStartedAtMs)) return rollbackOverdue(run, reason, outcome);
    return inProgress(run, 'rollback.in-progress', outcome, waiting);
  }
  await audit(run, 'rollback.finished', { status: outcome.status, message: outcome.message, calls: outcome.calls.length });
  if (outcome.status === 'succeeded') {
    await note(run, 'rolled-back', `\`${shortId(p.id)}\` was rolled back (${reason}).`);
    return finish(run, 'rolled-back', { reason });
  }
  await note(run, 'rollback-failed', `Rolling back \`${shortId(p.id)}\` did not succeed (${outcome.message}): a person must check ${p.cluster} now.`);
  return finish(run, 'failed', { reason, rollback: outcome.message });
}

/** Audited when the answer differs from the one the last run audited (`previous`): not once per run. */
async function inProgress(run: Run, action: string, outcome: OperationOutcome, previous: string | undefined): Promise<ExecutionResult> {
  if (outcome.message !== previous) await audit(run, action, { message: outcome.message, calls: outcome.calls.length });
  return 'in-progress';
}

/**
 * A rollback past the deadline: asked to stop where the executor can (so an undo does not start
 * hours later, behind a person's back), and left to a person. Never retried.
 */
async function rollbackOverdue(run: Run, reason: string, outcome: OperationOutcome): Promise<ExecutionResult> {
  const { deps, p } = run;
  const minutes = deps.config.maxInProgressMinutes;
  const stop = await stopperOf(deps.clusterOps)?.stop({ ...operationRequest(p), checkpoint: run.cp.ops, abortSignal: run.lease.signal }, 'rollback', `fleetops: no result within ${minutes} min`);
  await audit(run, 'rollback.deadline', { minutes, message: outcome.message, stop: stop?.message ?? null });
  const stopped = stop ? ` ${stop.message}${stop.status === 'succeeded' ? '' : ' (refused)'}.` : '';
  await note(run, 'rollback-failed', `Rolling back \`${shortId(p.id)}\` has not finished within ${minutes} min (${outcome.message}).${stopped} fleetops stopped waiting for it: a person must check ${p.cluster} now.`);
  return finish(run, 'failed', { reason, rollback: `no result within ${minutes} min` });
}

/**
 * Closes an execution that may still be under way as failed, without undoing anything alongside it;
 * what it holds only while running (a restart's held strategy) is released first.
 */
async function giveUp(run: Run, why: string): Promise<ExecutionResult> {
  const { deps, p } = run;
  const held = holding(run);
  if (held) return release(run, `no result within ${deps.config.maxInProgressMinutes} min`, `${why}. fleetops stopped waiting and did not roll it back; it now releases what the operation holds only while running: ${held}.`);
  await note(run, 'gave-up', `${why}. fleetops stopped waiting and did not roll it back: a person must check ${p.cluster}.`);
  return finish(run, 'failed', { reason: `no result within ${deps.config.maxInProgressMinutes} min`, rollback: 'not attempted: the operation may still be under way' });
}

/**
 * Releases what the operation still holds only while running (a restart's held strategy) through its
 * ClusterOps rollback, which for such an operation does only that, guarded and idempotently: for an
 * execution given up at the deadline, or failed, that is not rolled back. Runs in the rolling-back
 * phase (marked `releasing`) so a run cut short resumes it; a release that does not take is audited,
 * said in the thread and tried again on the next runs, until maxInProgressMinutes from the first try.
 */
async function release(run: Run, reason: string, opening?: string): Promise<ExecutionResult> {
  const { deps, p } = run;
  const resumed = run.cp.releasing === true;
  const audited = resumed ? run.cp.inProgressMessage : undefined;
  const nowMs = deps.clock.nowMs();
  await save(run, { ...run.cp, phase: 'rolling-back', releasing: true, reason, rollbackStartedAtMs: resumed ? run.cp.rollbackStartedAtMs ?? nowMs : nowMs, inProgressMessage: undefined });
  if (!resumed) {
    await audit(run, 'release.started', { reason, holding: holding(run) ?? null });
    if (opening) await note(run, 'gave-up', opening);
  }
  const outcome = await deps.clusterOps.rollback({
    ...operationRequest(p), checkpoint: run.cp.ops, abortSignal: run.lease.signal,
    onCheckpoint: async (ops) => save(run, { ...run.cp, ops: { ...run.cp.ops, ...ops } }),
  });
  if (outcome.inProgress) {
    await save(run, { ...run.cp, inProgressMessage: outcome.message });
    if (overdue(run, run.cp.rollbackStartedAtMs)) return rollbackOverdue(run, reason, outcome);
    return inProgress(run, 'release.in-progress', outcome, audited);
  }
  // judged by the checkpoint, not the status: the rollback of an operation that cannot be undone fails
  const still = holding(run);
  if (still) return releaseFailed(run, reason, outcome, still, audited);
  await audit(run, 'release.finished', { message: outcome.message, calls: outcome.calls.length });
  await note(run, 'failed', `\`${shortId(p.id)}\` failed (${reason}) and was not rolled back; ${outcome.message}. A person must check ${p.cluster}.`);
  return finish(run, 'failed', { reason, rollback: notRolledBack(run), release: outcome.message });
}

const notRolledBack = (run: Run) => (findOperation(run.deps.catalog, run.p.operation)?.reversible ? 'not attempted: the operation may still be under way' : 'not-possible');

/** A release that did not take: audited and said once per distinct answer, tried again on the next runs until the deadline. */
async function releaseFailed(run: Run, reason: string, outcome: OperationOutcome, held: string, audited: string | undefined): Promise<ExecutionResult> {
  const { deps, p } = run;
  const minutes = deps.config.maxInProgressMinutes;
  const changed = outcome.message !== audited;
  await save(run, { ...run.cp, inProgressMessage: outcome.message });
  if (changed) await audit(run, 'release.failed', { message: outcome.message, holding: held, calls: outcome.calls.length });
  if (overdue(run, run.cp.rollbackStartedAtMs)) {
    await note(run, 'failed', `\`${shortId(p.id)}\` failed (${reason}) and was not rolled back; releasing ${held} kept failing for ${minutes} min (${outcome.message}): a person must set it back on ${p.cluster} now.`);
    return finish(run, 'failed', { reason, rollback: notRolledBack(run), release: `failed: ${outcome.message}` });
  }
  if (changed) await note(run, 'release-failed', `\`${shortId(p.id)}\` could not release what it holds only while running, ${held}: ${outcome.message}. fleetops tries again on its next runs, for up to ${minutes} min, then leaves it to a person.`);
  return 'retry';
}

/**
 * An execution still in progress past the deadline. Rolling back now would run the undo alongside
 * it, so the executor is asked to stop it; once it has ended (read again on the next runs) it is
 * handled as any failed execution. One that cannot be stopped, or does not stop, is left to a person.
 */
async function executionOverdue(run: Run, outcome: OperationOutcome, previous: string | undefined): Promise<ExecutionResult> {
  const { deps, p } = run;
  const minutes = deps.config.maxInProgressMinutes;
  const late = `\`${shortId(p.id)}\` has not finished within ${minutes} min (${outcome.message})`;
  const requestedAtMs = run.cp.stopRequestedAtMs;
  if (requestedAtMs !== undefined) {
    if (deps.clock.nowMs() <= requestedAtMs + STOP_GRACE_MS) return inProgress(run, 'execution.in-progress', outcome, previous);
    await audit(run, 'execution.deadline', { minutes, message: outcome.message, stop: 'did not stop' });
    return giveUp(run, `${late} and did not stop within ${STOP_GRACE_MS / 60_000} min of being asked to`);
  }
  const stopper = stopperOf(deps.clusterOps);
  const stop = await stopper?.stop({ ...operationRequest(p), checkpoint: run.cp.ops, abortSignal: run.lease.signal }, 'execute', `fleetops: no result within ${minutes} min`);
  await audit(run, 'execution.deadline', { minutes, message: outcome.message, stop: stop?.message ?? null });
  if (!stop) return giveUp(run, `${late}, and the ${deps.clusterOps.kind} executor cannot stop it`);
  if (stop.status !== 'succeeded') return giveUp(run, `${late}, and stopping it was refused (${stop.message})`);
  await save(run, { ...run.cp, stopRequestedAtMs: deps.clock.nowMs() });
  await note(run, 'overdue', `${late}: ${stop.message}. Once it has stopped it is handled as a failed execution (rolled back where possible); if it does not stop within ${STOP_GRACE_MS / 60_000} min, a person must check ${p.cluster}.`);
  return 'in-progress';
}

async function verifyPhase(run: Run): Promise<ExecutionResult> {
  const { deps, p } = run;
  const status = await deps.verify(p);
  const executedAtMs = run.cp.executedAtMs ?? deps.clock.nowMs();
  const windowOver = deps.clock.nowMs() > executedAtMs + deps.config.verifyWindowMinutes * 60_000;
  // until the window is over, only a recovery decides: the symptom check reads the last minutes of
  // data, which right after the change are mostly from before it
  if (status !== 'recovered' && !windowOver) return 'verifying';
  await audit(run, 'verification', { status, windowOver });
  if (status === 'recovered') {
    await note(run, 'succeeded', `\`${shortId(p.id)}\` executed and the symptom recovered.`);
    return finish(run, 'succeeded', { verification: status });
  }
  const why = status === 'pending' ? 'no data to verify within the verification window'
    : status === 'unknown' ? 'the symptom could not be read (its metrics query failed) at the end of the verification window'
      : 'the symptom did not recover within the verification window';
  return rollBack(run, why);
}

/**
 * Right after the claim, under its lease and before the first attempt, the guardrails are checked
 * again, now counting this claim as executing. Two runs that each passed the check before claiming
 * (neither saw the other executing) would otherwise both start, past max-concurrent-operations,
 * no-repeat or a rate limit. Each looks after its own write, so at least one of them sees the other
 * and hands its claim back (approved again, judged anew by a later run's checks). False when handed back.
 */
async function confirmClaim(run: Run): Promise<boolean> {
  const { deps, p } = run;
  const op = findOperation(deps.catalog, p.operation);
  const verdict = op
    ? await deps.guardrails.check(op, operationRequest(p), 'claim')
    : { ok: false, failures: [{ guardrail: 'catalog', reason: `${p.operation} is not in the safe-operation catalog` }] };
  if (verdict.ok) return true;
  const failures = verdict.failures.map((f) => `${f.guardrail}: ${f.reason}`);
  deps.logger.warn({ proposal: p.id, failures }, 'claim handed back: a guardrail fails once this claim counts');
  // a lease lost meanwhile: whoever holds it now decides (and checks again itself, the claim being unstarted)
  await releaseUnstartedClaim(deps.store, p, deps.owner, deps.clock.nowMs(), { reason: 'guardrail failed once the claim counted', failures: verdict.failures });
  return false;
}

async function executePhase(run: Run): Promise<ExecutionResult> {
  const { deps, p } = run;
  if (isUnstarted({ ...run.cp }) && !(await confirmClaim(run))) return 'deferred';
  const attempts = run.cp.attempts + 1;
  // checking again on an operation the last run left in progress is not audited as a new attempt
  const waiting = run.cp.inProgressMessage;
  // an attempt is counted before it starts: a run that died during it (killed, out of memory, node gone)
  // left the count without an answer, and without this each later run would start it again
  if (waiting === undefined && run.cp.attempts >= deps.config.maxExecutionAttempts) {
    const error = `${run.cp.attempts} attempts ended without a result (each run stopped while the operation ran)`;
    await audit(run, 'execution.error', { attempt: run.cp.attempts, error });
    return rollBack(run, `execution kept failing: ${error}`);
  }
  await save(run, { ...run.cp, attempts, startedAtMs: run.cp.startedAtMs ?? deps.clock.nowMs(), inProgressMessage: undefined });
  if (waiting === undefined) await audit(run, run.cp.ops ? 'execution.resumed' : 'execution.started', { attempt: attempts, checkpoint: run.cp.ops ?? null });
  let outcome: OperationOutcome;
  try {
    outcome = await deps.clusterOps.execute({
      ...operationRequest(p), checkpoint: run.cp.ops, abortSignal: run.lease.signal,
      onCheckpoint: async (ops) => save(run, { ...run.cp, ops: { ...run.cp.ops, ...ops } }),
    });
  } catch (err) {
    if (run.lease.signal.aborted) throw err;
    await audit(run, 'execution.error', { attempt: attempts, error: (err as Error).message });
    return attempts >= deps.config.maxExecutionAttempts ? rollBack(run, `execution kept failing: ${(err as Error).message}`) : 'retry';
  }
  if (outcome.inProgress) {
    // not an attempt that failed: the operation runs elsewhere (an Argo Workflow), and rolling back
    // now would run the undo alongside it
    await save(run, { ...run.cp, attempts: attempts - 1, ops: { ...run.cp.ops, ...outcome.checkpoint }, inProgressMessage: outcome.message });
    if (overdue(run, run.cp.startedAtMs)) return executionOverdue(run, outcome, waiting);
    return inProgress(run, 'execution.in-progress', outcome, waiting);
  }
  await audit(run, 'execution.finished', { status: outcome.status, message: outcome.message, calls: outcome.calls.length });
  if (outcome.status !== 'succeeded') {
    const stopped = run.cp.stopRequestedAtMs !== undefined ? `no result within ${deps.config.maxInProgressMinutes} min, stopped: ` : `execution ${outcome.status}: `;
    return rollBack(run, `${stopped}${outcome.message}`);
  }
  // merged: an operation run elsewhere (an Argo Workflow's `ops run`) saved its own checkpoints under ops,
  // and the executor's answer only names the Workflow
  await save(run, { ...run.cp, phase: 'verifying', ops: { ...run.cp.ops, ...outcome.checkpoint }, executedAtMs: deps.clock.nowMs() });
  await note(run, 'executed', `\`${shortId(p.id)}\` executed (${outcome.calls.length} API calls); verifying that the symptom recovers within ${deps.config.verifyWindowMinutes} min.`);
  return verifyPhase(run);
}

/**
 * Runs, resumes or finishes an `executing` proposal under its lease: execute from the stored
 * checkpoint, verify, roll back where possible. A run interrupted by the deadline or a lost lease
 * stops between steps and leaves the checkpoint for the next run; it never starts over.
 */
export async function runExecution(deps: RemediationDeps, p: ProposalRow): Promise<ExecutionResult> {
  const lease = await takeLease(deps.store, deps.clock, p.id, deps.owner, deps.config.leaseTtlSeconds * 1000, deps.signal);
  if (!lease) return 'lease-held';
  const fresh = (await deps.store.proposals.get(p.id)) ?? p;
  if (fresh.state !== 'executing') {
    await lease.release();
    return 'lease-held';
  }
  const run: Run = { deps, p: fresh, lease, cp: readCheckpoint(fresh) };
  try {
    if (run.cp.phase === 'verifying') return await verifyPhase(run);
    if (run.cp.phase === 'rolling-back' && run.cp.releasing) return await release(run, run.cp.reason ?? 'resumed release');
    if (run.cp.phase === 'rolling-back') return await rollBack(run, run.cp.reason ?? 'resumed rollback');
    return await executePhase(run);
  } catch (err) {
    if (!lease.signal.aborted) throw err;
    await audit(run, 'execution.interrupted', { reason: String((lease.signal.reason as Error | undefined)?.message ?? 'aborted'), checkpoint: run.cp.ops ?? null }).catch(() => undefined);
    return 'interrupted';
  } finally {
    await lease.release();
  }
}
