import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { OperationOutcome, OperationRequest } from '../../adapters/cluster-ops/types.js';
import { ConfigError, SafetyViolationError } from '../../core/errors.js';
import { loadSafeOperationCatalog, TARGET_KINDS } from '../../remediation/catalog/index.js';
import { checkAgainstCatalog, withDefaults } from '../../remediation/proposals/create-proposal.js';
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
    const issue = parsed.error.issues[0];
    throw new ConfigError(`--request: ${issue.path.join('.') || '(root)'}: ${issue.message}`, { cause: parsed.error });
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

async function runOperation(args: ParsedArgs, io: CliIo, mode: Mode, req: OperationRequest): Promise<number> {
  let outcome: OperationOutcome | undefined;
  let executor: string | undefined;
  const result = await runJobCommand('ops-run', args, io, async (app, adapters, ctx) => {
    // this command is the body of the Argo Workflow: handing the operation to Argo again would loop
    if (app.config.clusterOps.kind === 'argo-workflows') {
      throw new ConfigError('clusterOps.kind: expected kubernetes (or dry-run) for `ops run`, found argo-workflows; the WorkflowTemplate sets FLEETOPS__CLUSTEROPS__KIND=kubernetes');
    }
    const ops = adapters.clusterOps();
    executor = ops.kind;
    const onCheckpoint = async (checkpoint: Record<string, unknown>) => ctx.logger.info({ operationId: req.operationId, checkpoint }, 'operation checkpoint');
    outcome = await ops[mode]({ ...req, onCheckpoint, abortSignal: ctx.signal });
    if (outcome.status !== 'succeeded') ctx.fail(`operation:${req.operationId}`, new Error(`${outcome.status}: ${outcome.message}`));
    return { operationId: req.operationId, operation: req.operation, mode, status: outcome.status, calls: outcome.calls.length };
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

/** `fleetops ops run`: the container of the `fleetops-safe-operation` WorkflowTemplate; runs one catalog operation once. */
export const opsRunCommand: Command = {
  name: 'ops run',
  summary: 'run one safe operation (execute or rollback) through the configured executor; the body of the Argo WorkflowTemplate',
  usage: `  --request JSON|@FILE   the operation request: {"operationId","operation","target":{"cluster","kind","namespace","name"},"params"}
  --mode execute|rollback
  Prints one JSON line (status, message, calls). Exit 0 succeeded, 1 failed or blocked, 2 refused (bad request,
  outside the safe-operation catalog, or clusterOps.kind argo-workflows).`,
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
