/**
 * Shared arrangement for the remediation tests (no vitest import: child processes use it too).
 * A real store (SQLite or PostgreSQL), the outbox chat with users and groups, a recording
 * ClusterOps that works in resumable steps, a scripted guardrail gate and symptom verifier.
 */
import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe } from 'vitest';
import { createOutboxChat } from '../../../src/adapters/chat/outbox/index.js';
import type { ChatUser } from '../../../src/adapters/chat/types.js';
import type { ClusterOps, OperationPlan, OperationRequest, PlannedCall } from '../../../src/adapters/cluster-ops/types.js';
import { createStore } from '../../../src/adapters/store/index.js';
import type { Store } from '../../../src/adapters/store/types.js';
import { fixedClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { JobContext } from '../../../src/core/run-job.js';
import { loadSafeOperationCatalog } from '../../../src/remediation/catalog/index.js';
import type { ProposalDraft, SymptomStatus } from '../../../src/remediation/proposals/create-proposal.js';
import type { GuardrailGate, GuardrailPhase, GuardrailVerdict } from '../../../src/remediation/proposals/guardrail-gate.js';
import type { RemediationDeps } from '../../../src/remediation/proposals/remediation-deps.js';
import type { ProposalsJobDeps } from '../../../src/remediation/proposals-job.js';
import { RemediationConfig } from '../../../src/remediation/remediation-config.js';
import { PG_UNAVAILABLE_MESSAGE, postgresAvailable, startTestPostgres, type TestPostgres } from '../../support/postgres.js';

export const T0 = Date.UTC(2026, 10, 30, 9, 0, 0);
export const CHANNEL = '#fleet-remediation';
export const U = {
  onCall: 'UONCALL1', onCall2: 'UONCALL2', manager: 'UMGR1', proposer: 'UPROPOSER', outsider: 'UOUTSIDER',
  notAllowlisted: 'UNOTALLOWED', both: 'UBOTH', guest: 'UGUEST', external: 'UEXTERNAL', deleted: 'UDELETED', botUser: 'UFLEETOPS',
} as const;

const full = (id: string, over: Partial<ChatUser> = {}): ChatUser => ({ id, isBot: false, deleted: false, isFullMember: true, ...over });
export const USERS: ChatUser[] = [
  full(U.onCall), full(U.onCall2), full(U.both), full(U.manager), full(U.proposer), full(U.outsider), full(U.notAllowlisted),
  full(U.guest, { isFullMember: false }), full(U.external, { isFullMember: false }), full(U.deleted, { deleted: true, isFullMember: false }),
  full(U.botUser, { isBot: true }),
];
export const GROUPS = {
  'S-ONCALL': [U.onCall, U.onCall2, U.both, U.proposer, U.guest, U.external, U.deleted, U.notAllowlisted, U.botUser],
  'S-MANAGERS': [U.manager, U.both],
};

export function testConfig(over: Record<string, unknown> = {}): RemediationConfig {
  return RemediationConfig.parse({
    approvers: { allowlist: [U.onCall, U.onCall2, U.both, U.manager, U.proposer, U.guest, U.external, U.deleted, U.botUser] },
    botUserIds: [U.botUser], ...over,
  });
}

export interface RecordedCall { step: string; pid: number; kind: 'execute' | 'rollback' }

/** Steps of an operation: a drain cordons, then evicts pods one by one. */
export function stepsOf(req: Pick<OperationRequest, 'operation' | 'target'>, pods = 4): string[] {
  if (req.operation === 'cordon-drain-node') return ['cordon', ...Array.from({ length: pods }, (_, i) => `evict:pod-${i + 1}`)];
  return [`${req.operation}:${req.target.name}`];
}

export interface FakeOpsOptions {
  stepDelayMs?: number;
  /** Appends one JSON line per call (child processes report here). */
  logFile?: string;
  outcome?: 'succeeded' | 'failed' | 'blocked';
  rollbackOutcome?: 'succeeded' | 'failed';
  /** The first this many execute (rollback) calls answer "still running elsewhere", as an Argo Workflow in progress does. */
  executeInProgressCalls?: number;
  rollbackInProgressCalls?: number;
  /** The dry-run preview stops with this refusal (after the first call). */
  planRefusal?: string;
}

/** A resumable ClusterOps: after each step it reports `{ done: [...] }`; a resumed call skips those. */
export function createFakeClusterOps(opts: FakeOpsOptions = {}): ClusterOps & { calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const record = (c: RecordedCall) => {
    calls.push(c);
    if (opts.logFile) appendFileSync(opts.logFile, `${JSON.stringify(c)}\n`);
  };
  const planned = (req: OperationRequest): PlannedCall[] => stepsOf(req).map((step) => ({ method: 'POST', path: `/fake/${req.target.cluster}/${step}`, description: step }));
  const plan = async (req: OperationRequest): Promise<OperationPlan> => (opts.planRefusal
    ? { calls: planned(req).slice(0, 1), status: 'failed', message: opts.planRefusal }
    : { calls: planned(req), status: 'succeeded', message: 'planned' });
  return {
    kind: 'dry-run', calls, plan,
    async execute(req) {
      if ((opts.executeInProgressCalls ?? 0) > 0) {
        opts.executeInProgressCalls! -= 1;
        record({ step: 'still-running', pid: process.pid, kind: 'execute' });
        return { status: 'blocked', inProgress: true, calls: [], message: 'Workflow is Running; check again on the next run', checkpoint: { workflow: 'wf-1' } };
      }
      const done = [...((req.checkpoint?.done as string[] | undefined) ?? [])];
      for (const step of stepsOf(req)) {
        if (done.includes(step)) continue;
        if (req.abortSignal?.aborted) throw new Error('aborted');
        record({ step, pid: process.pid, kind: 'execute' });
        if (opts.stepDelayMs) await sleep(opts.stepDelayMs);
        done.push(step);
        await req.onCheckpoint?.({ done: [...done] });
      }
      const status = opts.outcome ?? 'succeeded';
      return { status, calls: planned(req), message: status, checkpoint: { done } };
    },
    async rollback(req) {
      const undo = req.operation === 'cordon-drain-node' ? 'uncordon' : `undo:${req.operation}`;
      if ((opts.rollbackInProgressCalls ?? 0) > 0) {
        opts.rollbackInProgressCalls! -= 1;
        record({ step: 'rollback-still-running', pid: process.pid, kind: 'rollback' });
        return { status: 'blocked', inProgress: true, calls: [], message: 'rollback Workflow is Running' };
      }
      record({ step: undo, pid: process.pid, kind: 'rollback' });
      const status = opts.rollbackOutcome ?? 'succeeded';
      return { status, calls: [{ method: 'PATCH', path: `/fake/${req.target.cluster}/${undo}`, description: undo }], message: status };
    },
  };
}

/** Guardrails that pass unless told otherwise for a phase. */
export function scriptedGuardrails(fail: Partial<Record<GuardrailPhase, GuardrailVerdict['failures']>> = {}): GuardrailGate & { checks: GuardrailPhase[] } {
  const checks: GuardrailPhase[] = [];
  return {
    checks,
    async check(_op, _req, phase) {
      checks.push(phase);
      const failures = fail[phase] ?? [];
      return { ok: failures.length === 0, failures };
    },
  };
}

/** Symptom answers in order; the last repeats. */
export function scriptedVerify(...answers: SymptomStatus[]): (() => Promise<SymptomStatus>) & { calls: number } {
  const fn = Object.assign(async () => {
    const a = answers[Math.min(fn.calls, answers.length - 1)] ?? 'not-recovered';
    fn.calls += 1;
    return a;
  }, { calls: 0 });
  return fn;
}

export async function openStore(target?: { kind: 'sqlite' | 'postgres'; at: string }): Promise<Store> {
  const store = target?.kind === 'postgres'
    ? await createStore({ kind: 'postgres', url: target.at, poolSize: 2 })
    : await createStore({ kind: 'sqlite', path: target?.at ?? ':memory:' });
  await store.migrate();
  return store;
}

export function tempDir(prefix = 'fleetops-rem-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export type TestClock = ReturnType<typeof fixedClock>;

export function createOutbox(dir: string, clock: TestClock, groups: Record<string, string[]> = GROUPS) {
  return createOutboxChat({ dir, clock, users: USERS, groups, botUserId: U.botUser });
}

export interface World {
  store: Store;
  chat: ReturnType<typeof createOutbox>;
  clock: TestClock;
  ops: ReturnType<typeof createFakeClusterOps>;
  guardrails: ReturnType<typeof scriptedGuardrails>;
  verify: ReturnType<typeof scriptedVerify>;
  config: RemediationConfig;
  outboxDir: string;
  /** The outbox file of a channel (tests edit it to forge what Slack would return). */
  outboxFile(channel: string): string;
  deps(owner?: string): RemediationDeps;
  jobDeps(): ProposalsJobDeps;
  ctx(runId?: string): JobContext & { failuresOut: { part: string; message: string }[] };
}

export interface WorldOptions {
  store?: Store;
  outboxDir?: string;
  clock?: TestClock;
  ops?: FakeOpsOptions;
  guardrailFailures?: Partial<Record<GuardrailPhase, GuardrailVerdict['failures']>>;
  /** Symptom answers: first at proposal time, then before execution, then verification. */
  verify?: SymptomStatus[];
  config?: Record<string, unknown>;
  /** A guardrail gate to use instead of the scripted one (e.g. the real checkGuardrails over the store). */
  gate?: (parts: { store: Store; clock: TestClock }) => GuardrailGate;
}

export async function createWorld(opts: WorldOptions = {}): Promise<World> {
  const clock = opts.clock ?? fixedClock(T0);
  const store = opts.store ?? await openStore();
  const outboxDir = opts.outboxDir ?? tempDir();
  const chat = createOutbox(outboxDir, clock);
  const ops = createFakeClusterOps(opts.ops);
  const scripted = scriptedGuardrails(opts.guardrailFailures);
  const guardrails: typeof scripted = opts.gate ? Object.assign(opts.gate({ store, clock }), { checks: [] }) : scripted;
  const verify = scriptedVerify(...(opts.verify ?? ['not-recovered', 'not-recovered', 'recovered']));
  const config = testConfig(opts.config);
  const catalog = loadSafeOperationCatalog();
  const jobDeps = (): ProposalsJobDeps => ({ store, chat, clusterOps: ops, catalog, guardrails, verify, config, defaultChannel: CHANNEL, auditChannel: '#fleetops-audit' });
  return {
    store, chat, clock, ops, guardrails, verify, config, jobDeps, outboxDir,
    outboxFile: (channel) => join(outboxDir, `${channel.replace(/[^a-zA-Z0-9_-]+/g, '')}.json`),
    deps: (owner = 'run-test') => ({ ...jobDeps(), clock, logger: silentLogger, owner }),
    ctx(runId = `run-${clock.nowMs()}`) {
      const failuresOut: { part: string; message: string }[] = [];
      return {
        runId, job: 'proposals', logger: silentLogger, clock, signal: new AbortController().signal, failures: failuresOut, failuresOut,
        fail(part: string, err: unknown) { failuresOut.push({ part, message: err instanceof Error ? err.message : String(err) }); },
      };
    },
  };
}

export function draft(over: Partial<ProposalDraft> = {}): ProposalDraft {
  return {
    groupId: 'g-2026-11-30-coredns', operation: 'rollout-restart',
    target: { cluster: 'c-eu-west-1-0001', kind: 'Deployment', namespace: 'kube-system', name: 'coredns' },
    params: {},
    context: { proposer: 'fleetops', source: 'rca', environment: 'prod', tier: 'tier-1', signature: 'coredns:latency_p99:up', symptom: { component: 'coredns', signal: 'latency_p99' }, rationale: 'CoreDNS p99 latency doubled after the node network saturated.' },
    ...over,
  };
}

export function drainDraft(over: Partial<ProposalDraft> = {}): ProposalDraft {
  return draft({ operation: 'cordon-drain-node', target: { cluster: 'c-eu-west-1-0001', kind: 'Node', name: 'node-7' }, ...over });
}

export async function propose(world: World, d: ProposalDraft = draft()) {
  const { createProposal } = await import('../../../src/remediation/proposals/create-proposal.js');
  const { store, guardrails, verify, clock, config } = world;
  return createProposal(d, { store, catalog: loadSafeOperationCatalog(), guardrails, verify, clock, expiryMinutes: config.expiryMinutes });
}

/** One run of the proposals job, `advanceMs` after the current time. */
export async function runProposalsJob(world: World, advanceMs = 120_000, runId?: string) {
  const { proposalsJob } = await import('../../../src/remediation/proposals-job.js');
  world.clock.advance(advanceMs);
  const ctx = world.ctx(runId);
  const summary = await proposalsJob(world.jobDeps(), ctx);
  return { summary, failures: ctx.failuresOut };
}

/** A thread reply as Slack would store it; returns its ts. */
/**
 * A proposal of `d` posted by one run of the job and approved in its thread by `approvers` in order
 * (on-call, then a manager, by default): the next run executes it.
 */
export async function approvedProposal(world: World, d: ProposalDraft = drainDraft(), approvers: readonly string[] = [U.onCall, U.manager]) {
  const r = await propose(world, d);
  if (r.status !== 'proposed') throw new Error(`expected a proposal, got ${r.status}`);
  await runProposalsJob(world);
  for (const user of approvers) await reply(world, r.proposal.id, user, `approve ${r.proposal.id.slice(0, 8)}`);
  return r.proposal;
}

export async function reply(world: World, proposalId: string, user: string | undefined, text: string, extra: Record<string, unknown> = {}): Promise<string> {
  const { findProposalPost } = await import('../../../src/remediation/proposals/proposal-thread.js');
  const p = await world.store.proposals.get(proposalId);
  const post = p && await findProposalPost(world.store, p);
  if (!post) throw new Error(`proposal ${proposalId} is not posted yet`);
  world.clock.advance(1000);
  return world.chat.appendReply(post.channel, { threadTs: post.threadTs, ...(user ? { user } : {}), text, ...extra });
}

export async function auditOf(store: Store, subject?: string) {
  const all = await store.audit.list({});
  return subject ? all.filter((e) => e.subject === subject) : all;
}

export type StoreTarget = { kind: 'sqlite' | 'postgres'; at: string };

/**
 * A describe block run once on SQLite and once on PostgreSQL (skipped with a message where no server
 * can be started); `target()` gives a fresh database of that kind for each call.
 */
export function describeEachStore(title: string, body: (target: () => Promise<StoreTarget>, skip: boolean) => void): void {
  const available = postgresAvailable();
  if (!available) console.warn(PG_UNAVAILABLE_MESSAGE);
  describe.each([['sqlite', false], ['postgres', !available]] as const)(`${title} (%s)`, (kind, skip) => {
    let pg: TestPostgres | undefined;
    beforeAll(async () => {
      if (kind === 'postgres' && !skip) pg = await startTestPostgres();
    }, 60_000);
    afterAll(async () => {
      if (kind === 'postgres') await pg?.stop();
    });
    body(async () => (kind === 'postgres' ? { kind, at: await pg!.createDatabase() } : { kind, at: join(tempDir(), 'fleetops.db') }), skip);
  });
}
