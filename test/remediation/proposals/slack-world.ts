/**
 * The proposals job against the Slack fake, one SlackChat per run as in production: for counting
 * the job's Slack calls per run.
 */
import { createSlackChat } from '../../../src/adapters/chat/slack/index.js';
import type { Store } from '../../../src/adapters/store/types.js';
import { fixedClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import { loadSafeOperationCatalog } from '../../../src/remediation/catalog/index.js';
import { createProposal, type ProposalDraft } from '../../../src/remediation/proposals/create-proposal.js';
import { findProposalPost } from '../../../src/remediation/proposals/proposal-thread.js';
import { proposalsJob } from '../../../src/remediation/proposals-job.js';
import type { SlackFake, SlackFakeCall } from '../../fakes/slack-fake.js';
import { createFakeClusterOps, draft, GROUPS, openStore, scriptedGuardrails, scriptedVerify, T0, testConfig, U, USERS } from './harness.js';

export const count = (calls: readonly { method: string }[], method: string) => calls.filter((c) => c.method === method).length;

export async function slackWorld(fake: SlackFake, opts: { store?: Store; config?: Record<string, unknown> } = {}) {
  const channel = fake.addChannel('fleet-remediation');
  fake.addChannel('fleetops-audit');
  for (const u of USERS) fake.addUser({ id: u.id, is_bot: u.isBot, deleted: u.deleted, is_restricted: !u.isFullMember && !u.deleted });
  for (const [group, members] of Object.entries(GROUPS)) fake.addUsergroup(group, members);
  const clock = fixedClock(T0);
  const store: Store = opts.store ?? (await openStore());
  const ops = createFakeClusterOps();
  const guardrails = scriptedGuardrails();
  const verify = scriptedVerify('not-recovered');
  const catalog = loadSafeOperationCatalog();
  const waitsMs: number[] = [];
  const propose = async (i: number, expiryMinutes = 30, over: Partial<ProposalDraft> = {}) => {
    const d = draft({ groupId: `g-${i}`, target: { cluster: 'c-eu-west-1-0001', kind: 'Deployment', namespace: 'kube-system', name: `coredns-${i}` }, ...over });
    const r = await createProposal(d, { store, catalog, guardrails, verify, clock, expiryMinutes });
    if (r.status !== 'proposed') throw new Error(`expected a proposal, got ${r.status}`);
    return r.proposal;
  };
  const run = async (controller = new AbortController(), advanceMs = 120_000) => {
    clock.advance(advanceMs);
    const chat = createSlackChat({ token: fake.token, apiUrl: fake.apiUrl, logger: silentLogger, clock, publications: store.publications, sleep: async (ms) => void waitsMs.push(ms) });
    const failures: { part: string; message: string }[] = [];
    const ctx = {
      runId: `run-${clock.nowMs()}`, job: 'proposals', logger: silentLogger, clock, signal: controller.signal, failures,
      fail: (part: string, err: unknown) => void failures.push({ part, message: (err as Error).message }),
    };
    const before = fake.calls.length;
    const summary = await proposalsJob({ store, chat, clusterOps: ops, catalog, guardrails, verify, config: testConfig(opts.config), defaultChannel: '#fleet-remediation', auditChannel: '#fleetops-audit' }, ctx);
    return { summary, failures, calls: fake.calls.slice(before) as SlackFakeCall[] };
  };
  const postOf = async (proposalId: string) => {
    const p = await store.proposals.get(proposalId);
    const post = p && (await findProposalPost(store, p));
    if (!post) throw new Error(`proposal ${proposalId} is not posted yet`);
    return post;
  };
  /** A reply in the proposal's thread, as a person posts it; returns its ts. */
  const reply = async (proposalId: string, user: string, text: string) => fake.seed(channel, { thread_ts: (await postOf(proposalId)).threadTs, user, text });
  /** Talk in the thread that is no decision (it changes the thread all the same). */
  const chatter = (proposalId: string) => reply(proposalId, U.onCall2, 'looking into it');
  /** The threads read by these calls (conversations.replies), in order. */
  const threadsRead = (calls: readonly SlackFakeCall[]) => calls.filter((c) => c.method === 'conversations.replies').map((c) => String(c.args.ts));
  return { channel, clock, store, ops, waitsMs, propose, run, reply, chatter, postOf, threadsRead };
}
