/**
 * The proposals job against the Slack fake, for counting the feedback step's calls: proposals are
 * created at chosen times (each posted by a run right after), then runs go on at any pace.
 */
import { createSlackChat } from '../../../src/adapters/chat/slack/index.js';
import type { Store } from '../../../src/adapters/store/types.js';
import { fixedClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import { loadSafeOperationCatalog } from '../../../src/remediation/catalog/index.js';
import type { FeedbackSubject } from '../../../src/remediation/feedback/index.js';
import { createProposal } from '../../../src/remediation/proposals/create-proposal.js';
import { findProposalPost } from '../../../src/remediation/proposals/proposal-thread.js';
import { proposalsJob } from '../../../src/remediation/proposals-job.js';
import type { SlackFake, SlackFakeCall } from '../../fakes/slack-fake.js';
import { createFakeClusterOps, draft, GROUPS, openStore, scriptedGuardrails, scriptedVerify, testConfig, USERS } from './harness.js';

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
/** Methods the feedback step may call (reactions, and who reacted). */
export const FEEDBACK_METHODS = ['conversations.history', 'conversations.replies', 'users.info'];

export const feedbackCalls = (calls: readonly SlackFakeCall[]) => calls.filter((c) => FEEDBACK_METHODS.includes(c.method)).length;

export async function feedbackWorld(fake: SlackFake, startMs: number) {
  const channel = fake.addChannel('fleet-remediation');
  fake.addChannel('fleetops-audit');
  for (const u of USERS) fake.addUser({ id: u.id, is_bot: u.isBot, deleted: u.deleted, is_restricted: !u.isFullMember && !u.deleted });
  for (const [group, members] of Object.entries(GROUPS)) fake.addUsergroup(group, members);
  const clock = fixedClock(startMs);
  const store: Store = await openStore();
  const ops = createFakeClusterOps();
  const guardrails = scriptedGuardrails();
  const verify = scriptedVerify('not-recovered');
  const catalog = loadSafeOperationCatalog();
  let n = 0;
  const propose = async (expiryMinutes = 30) => {
    const i = n++;
    const d = draft({ groupId: `g-${i}`, target: { cluster: 'c-eu-west-1-0001', kind: 'Deployment', namespace: 'kube-system', name: `coredns-${i}` } });
    const r = await createProposal(d, { store, catalog, guardrails, verify, clock, expiryMinutes });
    if (r.status !== 'proposed') throw new Error(`expected a proposal, got ${r.status}`);
    return r.proposal;
  };
  /** One run of the job at the clock's time plus `advanceMs`, with a fresh SlackChat as in production. */
  const run = async (advanceMs = 2 * MINUTE_MS, opts: { signal?: AbortSignal; rca?: FeedbackSubject[] } = {}) => {
    clock.advance(advanceMs);
    const chat = createSlackChat({ token: fake.token, apiUrl: fake.apiUrl, logger: silentLogger, clock, publications: store.publications, sleep: async () => undefined });
    const failures: { part: string; message: string }[] = [];
    const ctx = {
      runId: `run-${clock.nowMs()}`, job: 'proposals', logger: silentLogger, clock, signal: opts.signal ?? new AbortController().signal, failures,
      fail: (part: string, err: unknown) => void failures.push({ part, message: (err as Error).message }),
    };
    const before = fake.calls.length;
    const rcaFeedbackSubjects = opts.rca ? async () => opts.rca ?? [] : undefined;
    const summary = await proposalsJob({ store, chat, clusterOps: ops, catalog, guardrails, verify, config: testConfig(), defaultChannel: '#fleet-remediation', auditChannel: '#fleetops-audit', rcaFeedbackSubjects }, ctx);
    return { summary, failures, calls: fake.calls.slice(before) };
  };
  /** `count` proposals spread evenly over [fromMs, toMs) in batches, each posted by a run right after it; then the clock is at toMs. */
  const proposeOver = async (count: number, fromMs: number, toMs: number, batch = 1) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i += batch) {
      clock.set(fromMs + Math.floor((i * (toMs - fromMs)) / count));
      for (let j = i; j < Math.min(count, i + batch); j++) ids.push((await propose()).id);
      await run(0);
    }
    clock.set(toMs);
    return ids;
  };
  /** The ts of the posted proposal message. */
  const postTs = async (proposalId: string) => {
    const p = await store.proposals.get(proposalId);
    const post = p && (await findProposalPost(store, p));
    if (!post) throw new Error(`proposal ${proposalId} is not posted`);
    return post.ts;
  };
  /** Sets the 👍/👎 of the posted proposal message, as people would. */
  const react = async (proposalId: string, reactions: { name: string; users: string[] }[]) => {
    const ts = await postTs(proposalId);
    const m = fake.messages(channel).find((x) => x.ts === ts);
    if (!m) throw new Error(`proposal ${proposalId}: message ${ts} is not in the fake`);
    m.reactions = reactions.map((r) => ({ ...r, count: r.users.length }));
  };
  return { channel, store, clock, propose, proposeOver, run, react, postTs };
}
