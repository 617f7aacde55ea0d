import { describe, expect, it } from 'vitest';
import type { ChatMessage, ChatUser } from '../../../src/adapters/chat/types.js';
import { parseApprovalThread, type ApprovalThreadContext } from '../../../src/remediation/approval/parse-approval-thread.js';

const ID = 'abcdef0123456789'.repeat(4);
const member = (id: string): ChatUser => ({ id, isBot: false, deleted: false, isFullMember: true });
// installed with a user token, fleetops posts as a workspace member (no bot id, not a bot user)
const ctx: ApprovalThreadContext = {
  proposalId: ID, postedTs: '1800000000.000100', expiresTs: '1800001800.000000', otherProposals: [],
  users: new Map([['U1', member('U1')], ['UFLEETOPS', member('UFLEETOPS')]]), consumedTs: new Set(), selfUserIds: new Set(['UFLEETOPS']),
};
const msg = (over: Partial<ChatMessage>): ChatMessage => ({ ts: '1800000200.000000', user: 'U1', text: `approve ${ID.slice(0, 8)}`, ...over });

describe('parseApprovalThread and text fleetops posted itself', () => {
  it.each([
    ['an approval', `approve ${ID.slice(0, 8)}`, 'approve'],
    ['a rejection', `reject ${ID.slice(0, 8)} quoted from a log line`, 'reject'],
  ] as const)('never counts %s in a post of fleetops\' own user, even without a bot id', (_name, text, decision) => {
    const result = parseApprovalThread([msg({ user: 'UFLEETOPS', text }), msg({ ts: '1800000300.000000', user: 'ufleetops', text })], ctx);

    expect(result.decisions).toEqual([]);
    expect(result.refused).toEqual([
      { messageTs: '1800000200.000000', userId: 'UFLEETOPS', decision, reason: 'bot-or-app', detail: 'posted by fleetops itself' },
      { messageTs: '1800000300.000000', userId: 'ufleetops', decision, reason: 'bot-or-app', detail: 'posted by fleetops itself' },
    ]);
  });

  it('still counts a person\'s approval next to it', () => {
    const result = parseApprovalThread([msg({ user: 'UFLEETOPS' }), msg({ ts: '1800000300.000000' })], ctx);

    expect(result.decisions).toEqual([{ userId: 'U1', decision: 'approve', messageTs: '1800000300.000000' }]);
  });

  it.each([
    ['a digest reply quoting a model narrative', { botId: 'BFLEETOPS', user: 'UFLEETOPS' }],
    ['another app\'s message', { appId: 'A0OTHER', user: 'U1' }],
    ['a bot_message without a user', { subtype: 'bot_message', botId: 'B1', user: undefined }],
  ])('never counts %s', (_name, over) => {
    const result = parseApprovalThread([msg(over)], ctx);

    expect(result.decisions).toEqual([]);
    expect(result.refused.map((r) => r.reason)).toEqual([expect.stringMatching(/^(bot-or-app|has-subtype)$/)]);
  });
});
