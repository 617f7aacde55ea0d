import { describe, expect, it } from 'vitest';
import type { OperationRequest } from '../../../src/adapters/cluster-ops/types.js';
import type { Store } from '../../../src/adapters/store/types.js';
import { fixedClock } from '../../../src/core/clock.js';
import { proposalsJob } from '../../../src/remediation/proposals-job.js';
import { shortId } from '../../../src/remediation/proposals/proposal-id.js';
import { loadReadRecords } from '../../../src/remediation/proposals/thread-reads.js';
import { CHANNEL, createWorld, describeEachStore, draft, openStore, propose, runProposalsJob, T0, tempDir, type World } from './harness.js';

const QUIET = { threadRecheckMinutes: 24 * 60 };

async function proposeMany(world: World, n: number) {
  const ids = [];
  for (let i = 0; i < n; i++) {
    const r = await propose(world, draft({ groupId: `g-${i}`, target: { cluster: 'c-eu-west-1-0001', kind: 'Deployment', namespace: 'kube-system', name: `coredns-${i}` } }));
    if (r.status !== 'proposed') throw new Error(`expected a proposal, got ${r.status}`);
    ids.push(r.proposal.id);
  }
  return ids;
}

/** The targets whose proposals a run reached, in order (each is previewed, a dry run, when reached). */
function recordReached(world: World): string[] {
  const names: string[] = [];
  const plan = world.ops.plan;
  world.ops.plan = async (req: OperationRequest) => {
    names.push(String(req.target.name));
    return plan(req);
  };
  return names;
}

describeEachStore('proposal reads kept in the store', (target, skip) => {

  it.skipIf(skip)('after a restart, the proposals a stopped run left are reached first, and unchanged threads are not read', async () => {
    const at = await target();
    const clock = fixedClock(T0);
    const outboxDir = tempDir();
    const first = await createWorld({ store: await openStore(at), clock, outboxDir, config: QUIET, verify: ['not-recovered'] });
    const ids = await proposeMany(first, 3);
    await runProposalsJob(first);
    await runProposalsJob(first);
    // the deadline passes while the first proposal is reconciled
    const deadline = new AbortController();
    const plan = first.ops.plan;
    first.ops.plan = async (req) => {
      deadline.abort(new Error('deadline'));
      return plan(req);
    };
    clock.advance(120_000);
    const stopped = await proposalsJob(first.jobDeps(), { ...first.ctx(), signal: deadline.signal });
    await first.store.close();

    const second = await createWorld({ store: await openStore(at), clock, outboxDir, config: QUIET, verify: ['not-recovered'] });
    const reached = recordReached(second);
    const { summary, failures } = await runProposalsJob(second);

    const nameOf = (id8: string) => `coredns-${ids.map(shortId).indexOf(id8)}`;
    const left = stopped.notReconciled.map(nameOf);
    expect(left).toHaveLength(2);
    expect(failures).toEqual([]);
    // before: the same order on every run (same expiry: the store's), so a steady backlog starved the last
    expect(reached.slice(0, 2)).toEqual(left);
    expect(reached).toHaveLength(3);
    expect(summary.threads).toEqual({ read: 0, unchanged: 3 });
    const records = await loadReadRecords(second.store, ids);
    expect([...records.values()].map((r) => r.reachedAtMs)).toEqual([clock.nowMs(), clock.nowMs(), clock.nowMs()]);
    expect([...records.values()].every((r) => r.read?.thread?.startsWith(`${CHANNEL}/`))).toBe(true);
    await second.store.close();
  });
});

describe('proposal reads on the outbox', () => {
  it('a thread whose parent history does not show is read on every run; its top-level neighbour is not', async () => {
    const world = await createWorld({ config: QUIET, verify: ['not-recovered'] });
    // the incident thread's parent is not in this channel's history (retention, or deleted)
    const ghost = await propose(world, draft({ groupId: 'g-ghost', channel: CHANNEL, threadTs: `${Math.floor(T0 / 1000) - 86_400}.000100` }));
    const [top] = await proposeMany(world, 1);
    await runProposalsJob(world);

    const runs = [await runProposalsJob(world), await runProposalsJob(world), await runProposalsJob(world)];

    expect(ghost.status).toBe('proposed');
    expect(runs.map((r) => r.failures)).toEqual([[], [], []]);
    expect(runs.map((r) => r.summary.threads)).toEqual([{ read: 1, unchanged: 1 }, { read: 1, unchanged: 1 }, { read: 1, unchanged: 1 }]);
    expect((await loadReadRecords(world.store, [top])).get(top)?.read?.thread).toMatch(/:0\/$/);
  });

  it('a record the job cannot parse only costs a read', async () => {
    const store: Store = await openStore();
    await store.baselines.put('proposal-reads:p1', new TextEncoder().encode('{"atMs":"soon"}'), T0, T0);

    const records = await loadReadRecords(store, ['p1', 'p2']);

    expect(records).toEqual(new Map([['p1', { reachedAtMs: T0, read: undefined }]]));
  });
});
