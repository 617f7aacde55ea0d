import type { Clock } from '../../../core/clock.js';
import { ExternalServiceError, SafetyViolationError } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';
import type { ClusterOps, OperationOutcome, OperationRequest, PlannedCall } from '../types.js';
import { ArgoServerError, WorkflowResponse } from './schema.js';
import { abortableSleep, HttpServiceError, parseRetryAfterMs, withBackoff, withTimeout } from '../../../core/backoff.js';

export interface ArgoWorkflowsClusterOpsOptions {
  /** Argo Server, e.g. https://argo-workflows.example.com */
  baseUrl: string;
  token: string;
  namespace: string;
  /** WorkflowTemplate that runs one fleetops safe operation (parameters: operationId, mode, request). */
  workflowTemplate: string;
  clock: Clock;
  logger: Logger;
  timeoutMs?: number;
  /** Retries of a call answered 429 or 5xx, or lost to the network (default 3, from 500 ms, honouring Retry-After). */
  retries?: number;
  retryBaseDelayMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  fetch?: typeof fetch;
}

/**
 * Workflow name from the proposal id: the same proposal (and rollback attempt) always maps to the same
 * Workflow. A retried rollback's Workflow is `…-rollback-2`, `-3`, …; execute has one attempt only.
 */
export function workflowName(operationId: string, mode: 'execute' | 'rollback', attempt = 1): string {
  const suffix = mode === 'execute' ? '' : attempt > 1 ? `-rollback-${attempt}` : '-rollback';
  // Kubernetes' 63 characters: the id gives way to a long attempt number
  const idChars = Math.min(40, 63 - 'fleetops-'.length - suffix.length);
  const id = operationId.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, idChars).replace(/-+$/, '');
  return `fleetops-${id}${suffix}`;
}

/** Checkpoint keys (under the execution's `ops`) of a rollback retried in a new Workflow. */
export const ROLLBACK_ATTEMPT = 'rollbackWorkflowAttempt';
export const ROLLBACK_REPORTED_FAILED = 'rollbackWorkflowReportedFailed';

/** The rollback attempt (1 until a retry) and the failed Workflow already reported, from the checkpoint. */
function rollbackState(req: OperationRequest): { attempt: number; reportedFailed?: string } {
  const attempt = req.checkpoint?.[ROLLBACK_ATTEMPT] ?? 1;
  const reportedFailed = req.checkpoint?.[ROLLBACK_REPORTED_FAILED] ?? undefined;
  const where = `proposal ${req.operationId}: checkpoint ops.`;
  if (typeof attempt !== 'number' || !Number.isSafeInteger(attempt) || attempt < 1) {
    throw new SafetyViolationError(`${where}${ROLLBACK_ATTEMPT} must be a whole number from 1, found ${JSON.stringify(attempt)}; nothing was submitted`);
  }
  if (reportedFailed !== undefined && typeof reportedFailed !== 'string') {
    throw new SafetyViolationError(`${where}${ROLLBACK_REPORTED_FAILED} must be a Workflow name, found ${JSON.stringify(reportedFailed)}; nothing was submitted`);
  }
  return { attempt, reportedFailed };
}

type Recorder = (more: Record<string, unknown>) => Promise<void>;
type Submitted = { wf: WorkflowResponse; already: boolean } | { refused: OperationOutcome };

/** onCheckpoint with the executor's keys over the request's checkpoint, each call keeping the earlier ones. */
function recorder(req: OperationRequest): Recorder {
  let checkpoint = { ...req.checkpoint };
  return async (more) => {
    checkpoint = { ...checkpoint, ...more };
    await req.onCheckpoint?.(checkpoint);
  };
}

function submitCall(o: ArgoWorkflowsClusterOpsOptions, req: OperationRequest, mode: 'execute' | 'rollback', name: string): PlannedCall {
  const request = { operationId: req.operationId, operation: req.operation, target: req.target, params: req.params };
  const workflow = {
    metadata: {
      name, namespace: o.namespace,
      labels: { 'app.kubernetes.io/managed-by': 'fleetops', 'fleetops.io/operation': req.operation, 'fleetops.io/cluster': req.target.cluster },
      annotations: { 'fleetops.io/operation-id': req.operationId },
    },
    spec: {
      workflowTemplateRef: { name: o.workflowTemplate },
      arguments: { parameters: [{ name: 'operationId', value: req.operationId }, { name: 'mode', value: mode }, { name: 'request', value: JSON.stringify(request) }] },
    },
  };
  return { method: 'POST', path: `/api/v1/workflows/${encodeURIComponent(o.namespace)}`, body: { workflow }, description: `submit Argo Workflow ${name} (${mode} ${req.operation} on ${req.target.cluster})` };
}

const ALREADY = ' (already submitted earlier; not submitted again)';

function outcomeOf(wf: WorkflowResponse, calls: PlannedCall[], note: string): OperationOutcome {
  const name = wf.metadata.name;
  const checkpoint = { workflow: name };
  switch (wf.status?.phase) {
    case 'Succeeded': return { status: 'succeeded', calls, message: `Argo Workflow ${name} succeeded${note}`, checkpoint };
    case 'Failed':
    case 'Error': return { status: 'failed', calls, message: `Argo Workflow ${name} ${wf.status.phase}: ${wf.status.message ?? 'no message'}${note}`, checkpoint };
    default: return { status: 'blocked', inProgress: true, calls, message: `Argo Workflow ${name} is ${wf.status?.phase || 'pending'}${note}; check again on the next run`, checkpoint };
  }
}

const FINISHED_PHASES: ReadonlySet<string> = new Set(['Succeeded', 'Failed', 'Error']);
const FAILED_PHASES: ReadonlySet<string> = new Set(['Failed', 'Error']);

/** ClusterOps whose operations run elsewhere and can be stopped there. */
export interface ArgoWorkflowsClusterOps extends ClusterOps {
  /**
   * Asks Argo to stop the operation's Workflow (`PUT …/stop`: its running pods are killed, exit
   * handlers run, and it ends as Failed "Stopped with strategy 'Stop'"). Asynchronous: the Workflow
   * may still be Running when this returns, so read it again before acting on it. `succeeded` when
   * the stop was accepted or the Workflow had already finished; `failed` for a refusal (HTTP 4xx);
   * throws when Argo Server stays unreachable or answers 5xx.
   */
  stop(req: OperationRequest, mode: 'execute' | 'rollback', message: string): Promise<OperationOutcome>;
}

/**
 * ClusterOps that hands each operation to Argo Workflows as one Workflow named after the proposal id.
 * A second submit answers 409 and is read back instead: nothing runs twice. A rollback whose Workflow
 * failed is retried, when called again after that failure was reported, in a Workflow of its own.
 */
export function createArgoWorkflowsClusterOps(o: ArgoWorkflowsClusterOpsOptions): ArgoWorkflowsClusterOps {
  const doFetch = o.fetch ?? fetch;
  /**
   * One call, retried with backoff on 429, 5xx and network errors (a submit is safe to repeat: the
   * Workflow's name comes from the proposal, so a second submit answers 409). Still failing after the
   * retries, it throws: the execution is retried on the next run instead of being taken as refused
   * (a refused submit would be rolled back, for an operation that never ran).
   */
  const send = async (call: PlannedCall, signal?: AbortSignal): Promise<{ status: number; body: unknown }> => {
    const once = () => withTimeout(signal, o.timeoutMs ?? 30_000, async (s) => {
      let res: Response;
      try {
        res = await doFetch(new URL(call.path, o.baseUrl), {
          method: call.method, signal: s,
          headers: { authorization: `Bearer ${o.token}`, 'content-type': 'application/json' },
          body: call.body === undefined ? undefined : JSON.stringify(call.body),
        });
      } catch (err) {
        if (signal?.aborted) throw err;
        throw new HttpServiceError(`Argo Workflows: ${call.description}: ${(err as Error).message}`, { service: 'argo-workflows' }, undefined, { cause: err });
      }
      const text = await res.text();
      if (res.status === 429 || res.status >= 500) {
        throw new HttpServiceError(`Argo Workflows answered HTTP ${res.status} to ${call.description}: ${text.slice(0, 200)}`, { service: 'argo-workflows', status: res.status }, parseRetryAfterMs(res.headers.get('retry-after') ?? undefined, o.clock.nowMs()));
      }
      return { status: res.status, text };
    });
    const { status, text } = await withBackoff(once, {
      retries: o.retries ?? 3, baseDelayMs: o.retryBaseDelayMs ?? 500, maxDelayMs: 30_000, sleep: o.sleep ?? abortableSleep,
      onRetry: (err, attempt, delayMs) => o.logger.warn({ status: err.details.status, attempt, delayMs, call: call.description }, 'argo workflows call retried'),
    }, signal);
    return { status, body: text ? JSON.parse(text) : undefined };
  };
  /** The Workflow, or the refusal Argo Server answered (a 404, 401, 403). */
  const read = async (name: string, calls: PlannedCall[], signal?: AbortSignal): Promise<{ wf: WorkflowResponse } | { refused: OperationOutcome; status: number }> => {
    const get: PlannedCall = { method: 'GET', path: `/api/v1/workflows/${encodeURIComponent(o.namespace)}/${name}`, description: `read Argo Workflow ${name}` };
    calls.push(get);
    const current = await send(get, signal);
    if (current.status !== 200) return { refused: refusal(current, calls), status: current.status };
    const wf = WorkflowResponse.safeParse(current.body);
    if (!wf.success) throw new ExternalServiceError(`Argo Workflow ${name}: unexpected response shape`, { service: 'argo-workflows' }, { cause: wf.error });
    return { wf: wf.data };
  };
  const stop = async (req: OperationRequest, mode: 'execute' | 'rollback', message: string): Promise<OperationOutcome> => {
    const name = workflowName(req.operationId, mode, mode === 'rollback' ? rollbackState(req).attempt : 1);
    const calls: PlannedCall[] = [];
    const checkpoint = { workflow: name };
    // Argo Server answers 500 to a stop of a finished Workflow: read it first
    const current = await read(name, calls, req.abortSignal);
    if ('refused' in current) return current.refused;
    const phase = current.wf.status?.phase ?? '';
    if (FINISHED_PHASES.has(phase)) return { status: 'succeeded', calls, message: `Argo Workflow ${name} had already finished (${phase}); nothing to stop`, checkpoint };
    const put: PlannedCall = {
      method: 'PUT', path: `/api/v1/workflows/${encodeURIComponent(o.namespace)}/${name}/stop`,
      body: { name, namespace: o.namespace, message }, description: `stop Argo Workflow ${name}`,
    };
    calls.push(put);
    const res = await send(put, req.abortSignal);
    if (res.status !== 200) return refusal(res, calls);
    o.logger.info({ operationId: req.operationId, workflow: name }, 'argo workflow stop requested');
    return { status: 'succeeded', calls, message: `asked Argo to stop Workflow ${name}`, checkpoint };
  };
  /** Submits Workflow `name` (a 409 says it exists: nothing runs twice) and reads it back. */
  const submit = async (mode: 'execute' | 'rollback', req: OperationRequest, name: string, calls: PlannedCall[], record: Recorder): Promise<Submitted> => {
    const post = submitCall(o, req, mode, name);
    calls.push(post);
    const res = await send(post, req.abortSignal);
    if (res.status !== 200 && res.status !== 409) return { refused: refusal(res, calls) };
    if (res.status === 200) await record({ workflow: name });
    const current = await read(name, calls, req.abortSignal);
    if ('refused' in current) return current;
    o.logger.info({ operationId: req.operationId, workflow: name, alreadySubmitted: res.status === 409 }, 'argo workflow submitted');
    return { wf: current.wf, already: res.status === 409 };
  };
  const execute = async (req: OperationRequest): Promise<OperationOutcome> => {
    const calls: PlannedCall[] = [];
    const done = await submit('execute', req, workflowName(req.operationId, 'execute'), calls, recorder(req));
    return 'refused' in done ? done.refused : outcomeOf(done.wf, calls, done.already ? ALREADY : '');
  };
  /** A rollback Workflow's answer; a failure is recorded as reported, so the next call retries it. */
  const reported = async (done: Submitted, calls: PlannedCall[], record: Recorder, note: string): Promise<OperationOutcome> => {
    if ('refused' in done) return done.refused;
    if (FAILED_PHASES.has(done.wf.status?.phase ?? '')) await record({ [ROLLBACK_REPORTED_FAILED]: done.wf.metadata.name });
    return outcomeOf(done.wf, calls, done.already ? ALREADY : note);
  };
  /**
   * The current rollback attempt's Workflow, submitted once and then read. Called again after its
   * failure was reported, it submits the next attempt (`…-rollback-2`), whose number is checkpointed
   * first: a run that dies before the submit resubmits that same name on the next call, never a third.
   */
  const rollback = async (req: OperationRequest): Promise<OperationOutcome> => {
    const { attempt, reportedFailed } = rollbackState(req);
    const name = workflowName(req.operationId, 'rollback', attempt);
    const calls: PlannedCall[] = [];
    const record = recorder(req);
    if (reportedFailed !== name) return reported(await submit('rollback', req, name, calls, record), calls, record, '');
    // read, not submitted again: its ttlStrategy may have deleted it, and a resubmit would run it again
    const last = await read(name, calls, req.abortSignal);
    if ('refused' in last && last.status !== 404) return last.refused;
    if ('wf' in last && !FAILED_PHASES.has(last.wf.status?.phase ?? '')) {
      // retried in Argo by a person since it was reported: its new end is reported before any retry here
      await record({ [ROLLBACK_REPORTED_FAILED]: null });
      return outcomeOf(last.wf, calls, ALREADY);
    }
    // without a checkpoint to record the attempt in first, a retry could be submitted twice
    if (!req.onCheckpoint) return 'wf' in last ? outcomeOf(last.wf, calls, ALREADY) : last.refused;
    const next = workflowName(req.operationId, 'rollback', attempt + 1);
    await record({ [ROLLBACK_ATTEMPT]: attempt + 1 });
    o.logger.info({ operationId: req.operationId, failed: name, workflow: next }, 'argo rollback workflow retried');
    return reported(await submit('rollback', req, next, calls, record), calls, record, ` (retry: ${name} failed)`);
  };
  return {
    kind: 'argo-workflows',
    // the operation's own calls run in the Workflow's pod (`ops run`), which checks everything again
    plan: async (req) => ({ calls: [submitCall(o, req, 'execute', workflowName(req.operationId, 'execute'))], status: 'succeeded', message: `submits an Argo Workflow from ${o.workflowTemplate}` }),
    execute,
    rollback,
    stop,
  };
}

function refusal(res: { status: number; body: unknown }, calls: PlannedCall[]): OperationOutcome {
  const e = ArgoServerError.safeParse(res.body);
  const message = e.success ? e.data.message : undefined;
  const hint = res.status === 401 || res.status === 403 ? ' (check the Argo Workflows token and its RBAC in the namespace)' : '';
  // 429 and 5xx never get here: send() retries them and then throws
  return { status: 'failed', calls, message: `Argo Workflows answered HTTP ${res.status}: ${message ?? 'no message'}${hint}` };
}
