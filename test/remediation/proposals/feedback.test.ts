import { describe, expect, it } from 'vitest';
import { collectReactionFeedback } from '../../../src/remediation/feedback/collect-feedback.js';
import { feedbackPriors, summariseFeedback } from '../../../src/remediation/feedback/feedback-priors.js';
import { fixedClock } from '../../../src/core/clock.js';
import { createOutbox, openStore, T0, tempDir, U } from './harness.js';

describe('feedback', () => {
  it('records 👍/👎 of full members on RCA replies and turns them into a prior per signature', async () => {
    const store = await openStore();
    const clock = fixedClock(T0);
    const chat = createOutbox(tempDir(), clock);
    const root = await chat.upsertMessage({ channel: '#d', text: 'digest', blocks: [], idempotencyKey: 'digest' });
    const rca = chat.appendReply('#d', {
      threadTs: root.ts, user: U.botUser, text: 'RCA',
      reactions: [{ name: '+1', users: [U.onCall, U.manager, U.guest], count: 3 }, { name: 'thumbsdown', users: [U.onCall2], count: 1 }, { name: 'eyes', users: [U.onCall], count: 1 }],
    });
    const subjects = [{ kind: 'rca' as const, id: 'g-1', signature: 'coredns:latency', channel: '#d', ts: rca, threadTs: root.ts }];

    const added = [await collectReactionFeedback({ chat, store, clock }, subjects), await collectReactionFeedback({ chat, store, clock }, subjects)];

    expect(added).toEqual([3, 0]);
    expect(await feedbackPriors(store, 'coredns:latency')).toEqual({ up: 2, down: 1, prior: 3 / 5 });
    expect(await feedbackPriors(store, 'unknown')).toEqual({ up: 0, down: 0, prior: 0.5 });
  });

  it('cancels a person who gave both 👍 and 👎 on one subject', () => {
    const row = (value: 1 | -1) => ({ id: String(value), signature: 's', subjectKind: 'proposal' as const, subjectId: 'p', userId: 'U1', value, atMs: 0 });

    expect(summariseFeedback([row(1), row(-1)])).toEqual({ up: 0, down: 0, prior: 0.5 });
  });
});
