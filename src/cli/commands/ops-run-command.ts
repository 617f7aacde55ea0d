import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { OperationOutcome, OperationRequest } from '../../adapters/cluster-ops/types.js';
import { canonicalJson } from '../../adapters/store/audit-chain.js';
import type { ProposalRow, Store } from '../../adapters/store/types.js';
import { describeIssues } from '../../core/config/format-issues.js';
import { ConfigError, SafetyViolationError } from '../../core/errors.js';
import { findOperation, loadSafeOperationCatalog, TARGET_KINDS, type SafeOperationCatalog } from '../../remediation/catalog/index.js';
import { checkAgainstCatalog, operationRequest, withDefaults } from '../../remediation/proposals/create-proposal.js';
import { shortId } from '../../remediation/proposals/proposal-id.js';
import { takeLease, type HeldLease } from '../../remediation/proposals/execution-lease.js';
import type { Clock } from '../../core/clock.js';
import type { CliIo, Command } from '../command.js';
import { runJobCommand } from '../job-runner.js';
import type { ParsedArgs } from '../parse-args.js';

const MODES = ['execute', 'rollback'] as const;
type Mode = (typeof MODES)[number];

/** The `request` parameter the Argo Workflows executor passes (JSON of an OperationRequest, without callbacks). */
export const OperationRequestInput = z.strictObject({
  operationId: z.string().min(1).max(253),
  operation: z.string().min(1),
  target: z.strictObject({
    cluster: z.string().min(1),
    kind: z.enum(TARGET_KINDS),
    namespace: z.string().min(1).optional(),
    name: z.string().min(1),
  }),
  params: z.record(z.string(), z.unknown()).default({}),
  checkpoint: z.record(z.string(), z.unknown()).optional(),
});
export type OperationRequestInput = z.infer<typeof OperationRequestInput>;

/** `--request` is inline JSON or `@path` to a JSON file; throws ConfigError naming the bad field. */
export function parseOperationRequest(raw: unknown): OperationRequestInput {
  if (typeof raw !== 'string' || raw.trim() === '') throw new ConfigError('--request: required (JSON of the operation request, or @file)');
  let text = raw;
  if (raw.startsWith('@')) {
    try {
      text = readFileSync(raw.slice(1), 'utf8');
    } catch (err) {
      throw new ConfigError(`--request: cannot read ${raw.slice(1)} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`--request: invalid JSON (${(err as Error).message})`, { cause: err });
  }
  const parsed = OperationRequestInput.safeParse(json);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error.issues, OperationRequestInput, json);
    throw new ConfigError(problems.map((p) => `--request: ${p.field}: ${p.message}`).join('\n'), { cause: parsed.error });
  }
  return parsed.data;
}

function parseMode(raw: unknown): Mode {
  if (MODES.includes(raw as Mode)) return raw as Mode;
  throw new ConfigError(`--mode: expected execute or rollback, found ${JSON.stringify(raw)}`);
}

/** Catalog check before anything touches config, store or cluster; a refusal is a usage error (exit 2). */
function checkedRequest(input: OperationRequestInput): OperationRequest {
  try {
    const op = checkAgainstCatalog(loadSafeOperationCatalog(), input);
    return { ...input, operation: op.id, params: withDefaults(op, input.params) };
  } catch (err) {
    if (err instanceof SafetyViolationError) throw new ConfigError(`--request: refused: ${err.message}`, { cause: err });
    throw err;
  }
}

const TARGET_FIELDS = ['cluster', 'kind', 'namespace', 'name'] as const;

function shown(value: unknown): string {
  return value === undefined ? '(none)' : JSON.stringify(value);
}

/** The first field (`operation`, `target.<field>`, `params.<name>`) where request and stored proposal differ. */
function firstDifference(req: OperationRequest, p: ProposalRow, storedParams: Record<string, unknown>): { field: string; request: unknown; stored: unknown } | undefined {
  if (req.operation !== p.operation) return { field: 'operation', request: req.operation, stored: p.operation };
  for (const field of TARGET_FIELDS) {
    const request = req.target[field];
    const stored = p.target[field];
    if (canonicalJson(request) !== canonicalJson(stored)) return { field: `target.${field}`, request, stored };
  }
  const names = [...new Set([...Object.keys(req.params), ...Object.keys(storedParams)])].sort();
  for (const name of names) {
    if (canonicalJson(req.params[name]) !== canonicalJson(storedParams[name])) return { field: `params.${name}`, request: req.params[name], stored: storedParams[name] };
  }
  return undefined;
}

/**
 * The approval check: the request must name a proposal the proposals job is executing (for a
 * rollback: rolling back), with the same operation, target and parameters. Returns the STORED
 * request to run, with the stored checkpoint (a checkpoint in the request is ignored), and the row. Throws
 * SafetyViolationError before anything touches a cluster.
 */
export async function approvedRequest(store: Store, catalog: SafeOperationCatalog, mode: Mode, req: OperationRequest): Promise<{ request: OperationRequest; stored: ProposalRow }> {
  const p = await store.proposals.get(req.operationId);
  if (!p) throw new SafetyViolationError(`no proposal ${req.operationId} in the store: only an approved proposal that the proposals job started may run`);
  const id = shortId(p.id);
  if (p.state !== 'executing') throw new SafetyViolationError(`proposal ${id} is ${p.state}, not executing: only an approved proposal that the proposals job started may run`);
  const phase = p.checkpoint?.phase ?? 'executing';
  if (mode === 'rollback' && phase !== 'rolling-back') {
    throw new SafetyViolationError(`proposal ${id} is in phase ${shown(phase)}, not rolling-back: only a proposal the proposals job is rolling back may run a rollback`);
  }
  if (mode === 'execute' && phase !== 'executing') {
    throw new SafetyViolationError(`proposal ${id} is in phase ${shown(phase)}, not executing: it already ran (or is being rolled back) and is not executed again`);
  }
  const op = findOperation(catalog, p.operation);
  if (!op) throw new SafetyViolationError(`proposal ${id}: stored operation "${p.operation}" is not in the safe-operation catalog`);
  const storedParams = withDefaults(op, p.params);
  const diff = firstDifference(req, p, storedParams);
  if (diff) throw new SafetyViolationError(`the request does not match proposal ${id}: ${diff.field}: request ${shown(diff.request)}, approved proposal ${shown(diff.stored)}`);
  const ops = p.checkpoint?.ops;
  // the stored checkpoint only: one in the request could steer a rollback (say, a made-up previousReplicas)
  const checkpoint = ops === undefined ? undefined : asRecord(ops);
  return { request: { ...operationRequest(p), params: storedParams, ...(checkpoint ? { checkpoint } : {}) }, stored: p };
}

function asRecord(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/**
 * The execution lease, waited for up to its TTL: the proposals job holds it while it submits the
 * Workflow and reads its status, then lets go. Undefined when it stays held.
 */
async function waitForLease(store: Store, clock: Clock, id: string, owner: string, ttlMs: number, signal: AbortSignal): Promise<HeldLease | undefined> {
  const until = Date.now() + ttlMs;
  for (;;) {
    const lease = await takeLease(store, clock, id, owner, ttlMs, signal);
    if (lease || Date.now() >= until) return lease;
    await sleep(Math.min(1000, Math.max(0, until - Date.now())), undefined, { signal });
  }
}

async function runOperation(args: ParsedArgs, io: CliIo, mode: Mode, requested: OperationRequest): Promise<number> {
  let req = requested;
  let outcome: OperationOutcome | undefined;
  let executor: string | undefined;
  const result = await runJobCommand('ops-run', args, io, async (app, adapters, ctx) => {
    const store = await adapters.store();
    const approved = async () => {
      try {
        return await approvedRequest(store, loadSafeOperationCatalog(), mode, requested);
      } catch (err) {
        if (err instanceof SafetyViolationError) throw new ConfigError(`--request: refused: ${err.message}`, { cause: err });
        throw err;
      }
    };
    await approved();
    // the proposal's execution lease, as the proposals job takes it: the operation's checkpoints are
    // saved on the proposal, so the proposals job (and a later rollback) knows what it did
    const ttlMs = app.config.remediation.leaseTtlSeconds * 1000;
    const lease = await waitForLease(store, app.clock, requested.operationId, `ops-run:${ctx.runId}`, ttlMs, ctx.signal);
    if (!lease) throw new Error(`proposal ${shortId(requested.operationId)}: another process held its execution lease for ${ttlMs / 1000} s; nothing was run`);
    try {
      // again under the lease: the proposal may have moved on while we waited
      const { request, stored } = await approved();
      req = request;
      const ops = adapters.clusterOps();
      executor = ops.kind;
      const base = stored.checkpoint ?? {};
      const onCheckpoint = async (checkpoint: Record<string, unknown>) => {
        ctx.logger.info({ operationId: req.operationId, checkpoint }, 'operation checkpoint');
        const merged = { ...base, ops: { ...asRecord(base.ops), ...checkpoint } };
        if (!(await lease.saveCheckpoint(merged))) throw new SafetyViolationError(`proposal ${shortId(req.operationId)}: execution lease lost; stopping between steps`);
      };
      // a pod has no next run to check again: an operation still under way (a restart waiting for its
      // rollout to finish before it restores the strategy) is run again from its checkpoint
      outcome = await runUntilSettled((checkpoint) => ops[mode]({ ...req, checkpoint, onCheckpoint, abortSignal: lease.signal }), req.checkpoint, OPS_RUN_ROUNDS);
      if (outcome.status !== 'succeeded') ctx.fail(`operation:${req.operationId}`, new Error(`${outcome.status}: ${outcome.message}`));
      return { operationId: req.operationId, operation: req.operation, mode, status: outcome.status, calls: outcome.calls.length };
    } finally {
      await lease.release();
    }
  }, {
    check: (app) => {
      // this command is the body of the Argo Workflow: handing the operation to Argo again would loop
      if (app.config.clusterOps.kind === 'argo-workflows') {
        throw new ConfigError('clusterOps.kind: expected kubernetes (or dry-run) for `ops run`, found argo-workflows; the WorkflowTemplate sets FLEETOPS__CLUSTEROPS__KIND=kubernetes');
      }
    },
  });
  if (result.exitCode === 2) {
    for (const f of result.failures) io.stderr(`fleetops ops run: ${f.message}\n`);
    return 2;
  }
  const status = outcome?.status ?? 'failed';
  const message = outcome?.message ?? result.failures.map((f) => f.message).join('; ');
  io.stdout(`${JSON.stringify({ operationId: req.operationId, operation: req.operation, cluster: req.target.cluster, mode, executor, status, message, calls: outcome?.calls.length ?? 0, runId: result.runId })}\n`);
  return status === 'succeeded' && result.exitCode === 0 ? 0 : 1;
}

/** Rounds `ops run` gives an operation still under way (each waits at most a minute): within the WorkflowTemplate's 1500 s. */
export const OPS_RUN_ROUNDS = 20;

/**
 * Runs `step` from `checkpoint`, then again from the checkpoint each answer carries while it answers
 * in progress, at most `rounds` times; the last answer is returned (still in progress when rounds ran out).
 */
export async function runUntilSettled(step: (checkpoint?: Record<string, unknown>) => Promise<OperationOutcome>, checkpoint: Record<string, unknown> | undefined, rounds: number): Promise<OperationOutcome> {
  let outcome = await step(checkpoint);
  for (let round = 1; outcome.inProgress && round < rounds; round++) outcome = await step(outcome.checkpoint);
  return outcome;
}

/** `fleetops ops run`: the container of the `fleetops-safe-operation` WorkflowTemplate; runs one catalog operation once. */
export const opsRunCommand: Command = {
  name: 'ops run',
  summary: 'run one safe operation (execute or rollback) through the configured executor; the body of the Argo WorkflowTemplate',
  usage: `  --request JSON|@FILE   the operation request: {"operationId","operation","target":{"cluster","kind","namespace","name"},"params"}
  --mode execute|rollback
  The request must match an executing proposal in the store: operationId is the proposal id, the proposal must be
  executing (approved and started by the proposals job; for --mode rollback its checkpoint phase rolling-back), and
  operation, target and params must equal the stored ones. The stored operation runs, with the stored checkpoint.
  Prints one JSON line (status, message, calls). Exit 0 succeeded, 1 failed or blocked, 2 refused (bad request,
  outside the safe-operation catalog, no matching executing proposal, or clusterOps.kind argo-workflows).`,
  options: { request: { type: 'string' }, mode: { type: 'string' } },
  async run(args, io) {
    try {
      const mode = parseMode(args.values.mode);
      const req = checkedRequest(parseOperationRequest(args.values.request));
      return await runOperation(args, io, mode, req);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      io.stderr(`fleetops ops run: ${err.message}\n`);
      return 2;
    }
  },
};
