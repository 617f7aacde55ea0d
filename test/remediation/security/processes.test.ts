import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import { shortId } from '../../../src/remediation/proposals/proposal-id.js';
import { PG_UNAVAILABLE_MESSAGE, postgresAvailable, startTestPostgres, type TestPostgres } from '../../support/postgres.js';
import { auditOf, createWorld, drainDraft, openStore, propose, reply, runProposalsJob, stepsOf, T0, tempDir, U, type RecordedCall, type World } from '../proposals/harness.js';

const CHILD = fileURLToPath(new URL('./reconciler-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DRAIN_STEPS = stepsOf({ operation: 'cordon-drain-node', target: { cluster: 'c', kind: 'Node', name: 'node-7' } });

function spawnChild(args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

function readLog(file: string): RecordedCall[] {
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as RecordedCall) : [];
}

/** A drain proposal approved by on-call and a manager in its thread, not yet executed. */
async function approvedDrain(world: World): Promise<string> {
  const r = await propose(world, drainDraft());
  if (r.status !== 'proposed') throw new Error(r.status);
  await runProposalsJob(world);
  await reply(world, r.proposal.id, U.onCall, `approve ${shortId(r.proposal.id)}`);
  await reply(world, r.proposal.id, U.manager, `approve ${shortId(r.proposal.id)}`);
  return r.proposal.id;
}

const available = postgresAvailable();
if (!available) console.warn(PG_UNAVAILABLE_MESSAGE);

describe.skipIf(!available)(available ? 'security: two reconcilers racing (PostgreSQL)' : `security: two reconcilers racing (skipped: ${PG_UNAVAILABLE_MESSAGE})`, () => {
  let pg: TestPostgres | undefined;
  beforeAll(async () => { pg = await startTestPostgres(); }, 60_000);
  afterAll(async () => { await pg?.stop(); });

  it('two processes reconcile the same approved proposal: exactly one executes, each step once', async () => {
    const url = await pg!.createDatabase();
    const store = await openStore({ kind: 'postgres', at: url });
    const outboxDir = tempDir();
    const world = await createWorld({ store, outboxDir });
    const id = await approvedDrain(world);
    const log = join(tempDir(), 'calls.jsonl');
    const now = String(world.clock.nowMs() + 120_000);

    const runs = await Promise.all(['run-a', 'run-b'].map((runId) => spawnChild(['postgres', url, outboxDir, log, '50', now, runId]).done));

    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const calls = readLog(log);
    expect(calls.every((c) => c.kind === 'execute')).toBe(true);
    expect(new Set(calls.map((c) => c.pid)).size).toBe(1);
    expect(calls.map((c) => c.step)).toEqual(DRAIN_STEPS);
    const claims = (await auditOf(store, id)).filter((e) => e.action === 'proposal.executing');
    expect(claims).toHaveLength(1);
    expect((await store.proposals.get(id))?.state).toBe('executing');
    expect((await store.proposals.get(id))?.checkpoint).toMatchObject({ phase: 'verifying' });
    await store.close();
  }, 120_000);
});

describe('security: a run killed mid-drain', () => {
  it('is resumed by the next run from its checkpoint: no step before the checkpoint runs again, and it finishes', async () => {
    const dbFile = join(tempDir(), 'fleetops.db');
    const store = await openStore({ kind: 'sqlite', at: dbFile });
    const outboxDir = tempDir();
    const clock = fixedClock(T0);
    const world = await createWorld({ store, outboxDir, clock, verify: ['not-recovered', 'recovered'] });
    const id = await approvedDrain(world);
    const log = join(tempDir(), 'calls.jsonl');
    const { child, done } = spawnChild(['sqlite', dbFile, outboxDir, log, '400', String(clock.nowMs() + 120_000), 'run-killed']);
    for (let i = 0; i < 200 && readLog(log).length < 3; i += 1) await sleep(50);
    child.kill('SIGKILL');
    const killed = await done;
    expect(killed.signal).toBe('SIGKILL');
    const atKill = await store.proposals.get(id);
    const checkpointed = (atKill?.checkpoint?.ops as { done: string[] } | undefined)?.done ?? [];
    expect(atKill?.state).toBe('executing');
    expect(checkpointed.length).toBeGreaterThanOrEqual(1);
    expect(checkpointed.length).toBeLessThan(DRAIN_STEPS.length);

    await runProposalsJob(world, 120_000 + 61_000, 'run-next');

    const resumed = world.ops.calls.map((c) => c.step);
    expect(resumed.filter((s) => checkpointed.includes(s))).toEqual([]);
    expect([...checkpointed, ...resumed]).toEqual(DRAIN_STEPS);
    expect((await store.proposals.get(id))?.state).toBe('succeeded');
    const actions = (await auditOf(store, id)).map((e) => e.action);
    expect(actions).toContain('execution.resumed');
    expect(actions.filter((a) => a === 'proposal.executing')).toHaveLength(1);
    await store.close();
  }, 60_000);

  it('a resumed drain that ends blocked is uncordoned, never left cordoned', async () => {
    const world = await createWorld({ ops: { outcome: 'blocked' }, verify: ['not-recovered'] });
    const id = await approvedDrain(world);
    await world.store.proposals.transition(id, ['proposed'], 'executing', { checkpoint: { phase: 'executing', attempts: 1, ops: { done: ['cordon', 'evict:pod-1'] } } });

    await runProposalsJob(world);

    expect(world.ops.calls.map((c) => c.step)).toEqual(['evict:pod-2', 'evict:pod-3', 'evict:pod-4', 'uncordon']);
    expect((await world.store.proposals.get(id))?.state).toBe('rolled-back');
  });
});
