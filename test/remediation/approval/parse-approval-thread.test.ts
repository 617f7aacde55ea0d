import { describe, expect, it } from 'vitest';
import type { ChatMessage, ChatUser } from '../../../src/adapters/chat/types.js';
import { parseApprovalThread, parseCommand, type ApprovalThreadContext } from '../../../src/remediation/approval/parse-approval-thread.js';

const ID = 'abcdef0123456789'.repeat(4);
const OLD = '0123456789abcdef'.repeat(4);
const OPEN = 'fedcba9876543210'.repeat(4);
const member = (id: string, over: Partial<ChatUser> = {}): ChatUser => ({ id, isBot: false, deleted: false, isFullMember: true, ...over });
const ctx: ApprovalThreadContext = {
  proposalId: ID, postedTs: '1800000000.000100', expiresTs: '1800001800.000000',
  otherProposals: [{ id: OLD, open: false }, { id: OPEN, open: true }],
  users: new Map([['U1', member('U1')], ['UG', member('UG', { isFullMember: false })], ['UB', member('UB', { isBot: true })], ['UD', member('UD', { deleted: true })]]),
  consumedTs: new Set(['1800000500.000000']), selfUserIds: new Set(['UFLEETOPS']),
};
const msg = (over: Partial<ChatMessage>): ChatMessage => ({ ts: '1800000200.000000', user: 'U1', text: `approve ${ID.slice(0, 8)}`, ...over });

describe('parseCommand', () => {
  it.each([
    ['approve abcdef01', { decision: 'approve', idPrefix: 'abcdef01', rest: '' }],
    ['  APPROVE ABCDEF01 ', { decision: 'approve', idPrefix: 'abcdef01', rest: '' }],
    ['<@UFLEETOPS> reject abcdef01 too risky now', { decision: 'reject', idPrefix: 'abcdef01', rest: 'too risky now', mention: 'UFLEETOPS' }],
    ['please approve abcdef01', undefined],
    ['approve abcdef0', undefined],
    ['approved abcdef01', undefined],
    ['log: ERROR approve abcdef01', undefined],
    // a labelled mention, as some clients send it (before: no command at all)
    ['<@UFLEETOPS|fleetops> approve abcdef01', { decision: 'approve', idPrefix: 'abcdef01', rest: '', mention: 'UFLEETOPS' }],
    ['<@ualice|Alice> reject abcdef01 not during the batch', { decision: 'reject', idPrefix: 'abcdef01', rest: 'not during the batch', mention: 'UALICE' }],
    // a rejection within a reply is read in the safe direction (before: ignored, and the approvals ran it)
    ['No, reject abcdef01: the node is draining', { decision: 'reject', idPrefix: 'abcdef01', rest: 'No, reject abcdef01: the node is draining' }],
    ['<@UFLEETOPS> please REJECT ABCDEF01', { decision: 'reject', idPrefix: 'abcdef01', rest: '<@UFLEETOPS> please REJECT ABCDEF01' }],
    // fleetops' own instructions, and a person quoting them, are no decision
    ['*To answer, reply in this thread:* `approve abcdef01` or `reject abcdef01 <reason>`.', undefined],
    ['unreject abcdef01', undefined],
    ['please approve abcdef01 and reject nothing', undefined],
  ])('%j', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });
});

describe('parseApprovalThread', () => {
  it('counts a plain reply from a full member naming the current id within the window', () => {
    const result = parseApprovalThread([msg({}), msg({ ts: '1800000300.000000', text: `reject ${ID.slice(0, 8)} wait for the batch` })], ctx);

    expect(result.decisions).toEqual([
      { userId: 'U1', decision: 'approve', messageTs: '1800000200.000000' },
      { userId: 'U1', decision: 'reject', messageTs: '1800000300.000000', reason: 'wait for the batch' },
    ]);
    expect(result.refused).toEqual([]);
  });

  it.each([
    ['a subtype', { subtype: 'bot_message' }, 'has-subtype'],
    ['a bot id', { botId: 'B1' }, 'bot-or-app'],
    ['an app id', { appId: 'A1' }, 'bot-or-app'],
    ['an edit', { edited: { user: 'U1', ts: '1800000250.000000' } }, 'edited'],
    ['no user', { user: undefined }, 'unknown-user'],
    ['a user nobody resolved', { user: 'UX' }, 'unknown-user'],
    ['a bot user', { user: 'UB' }, 'bot-or-app'],
    ['a deleted user', { user: 'UD' }, 'deleted-user'],
    ['a guest', { user: 'UG' }, 'not-a-full-member'],
    ['an older proposal id', { text: `approve ${OLD.slice(0, 8)}` }, 'older-proposal'],
    ['an unknown id', { text: 'approve 99999999' }, 'unknown-proposal'],
    ['a ts at posting', { ts: '1800000000.000100' }, 'before-posting'],
    ['a ts after expiry', { ts: '1800001800.000001' }, 'after-expiry'],
    ['a ts consumed by another proposal', { ts: '1800000500.000000' }, 'replayed'],
    ['text after the id of an approval (a condition)', { text: `approve ${ID.slice(0, 8)} only after the freeze ends, not now` }, 'approval-with-text'],
    ['a mention of someone else before an approval (asking them to approve)', { text: `<@UMANAGER> approve ${ID.slice(0, 8)}` }, 'addressed-to-someone-else'],
    ['a lower-case mention of someone else', { text: `<@umanager> approve ${ID.slice(0, 8)}` }, 'addressed-to-someone-else'],
  ] as const)('refuses a reply with %s', (_name, over, reason) => {
    const result = parseApprovalThread([msg(over as Partial<ChatMessage>)], ctx);

    expect(result.decisions).toEqual([]);
    expect(result.refused.map((r) => r.reason)).toEqual([reason]);
  });

  it('counts an approval addressed to fleetops by mention, and a rejection addressed to anyone', () => {
    const result = parseApprovalThread([
      msg({ text: `<@UFLEETOPS> approve ${ID.slice(0, 8)}` }), msg({ ts: '1800000300.000000', text: `<@UMANAGER> reject ${ID.slice(0, 8)} not during the freeze` }),
    ], ctx);

    expect(result.decisions).toEqual([
      { userId: 'U1', decision: 'approve', messageTs: '1800000200.000000' },
      { userId: 'U1', decision: 'reject', messageTs: '1800000300.000000', reason: 'not during the freeze' },
    ]);
    expect(result.refused).toEqual([]);
  });

  it('counts a ts once even when it is listed twice', () => {
    const result = parseApprovalThread([msg({}), msg({ user: 'U1' })], ctx);

    expect(result.decisions).toHaveLength(1);
    expect(result.refused.map((r) => r.reason)).toEqual(['replayed']);
  });

  it('leaves replies naming another open proposal in the same thread to that proposal', () => {
    const result = parseApprovalThread([msg({ text: `approve ${OPEN.slice(0, 8)}` }), msg({ ts: '1800000201.000000', text: 'thanks all' })], ctx);

    expect(result).toEqual({ decisions: [], refused: [] });
  });
});

describe('parseApprovalThread: rejections are read in the safe direction', () => {
  it.each([
    ['edited', { edited: { user: 'U1', ts: '1800000250.000000' } }],
    ['also sent to the channel', { subtype: 'thread_broadcast' }],
    ['sent after expiry (an approved proposal may not have started yet)', { ts: '1800001800.000001' }],
  ] as const)('counts a reject that was %s', (_name, over: Partial<ChatMessage>) => {
    const result = parseApprovalThread([msg({ text: `reject ${ID.slice(0, 8)} wait`, ...over })], ctx);

    expect(result.decisions).toEqual([{ userId: 'U1', decision: 'reject', messageTs: over.ts ?? '1800000200.000000', reason: 'wait' }]);
    expect(result.refused).toEqual([]);
  });

  it('still refuses an approval also sent to the channel, and a reject with another subtype', () => {
    const result = parseApprovalThread([
      msg({ subtype: 'thread_broadcast' }), msg({ ts: '1800000201.000000', subtype: 'bot_message', text: `reject ${ID.slice(0, 8)}` }),
    ], ctx);

    expect(result.decisions).toEqual([]);
    expect(result.refused.map((r) => r.reason)).toEqual(['has-subtype', 'has-subtype']);
  });

  it.each([
    ['a Cyrillic look-alike a', `\u0430pprove ${ID.slice(0, 8)}`],
    ['a zero-width space inside the word', `appr\u200bove ${ID.slice(0, 8)}`],
    ['a quote', `&gt; approve ${ID.slice(0, 8)}`],
    ['a code span', `\`approve ${ID.slice(0, 8)}\``],
    ['a negation', `don't approve ${ID.slice(0, 8)}`],
  ])('never reads an approval from %s', (_name, text) => {
    expect(parseApprovalThread([msg({ text })], ctx)).toEqual({ decisions: [], refused: [] });
  });

  it.each([['a question', '?'], ['a condition', ' after the freeze'], ['a zero-width space after the id', '\u200b']])('refuses an approval followed by %s', (_name, rest) => {
    const result = parseApprovalThread([msg({ text: `approve ${ID.slice(0, 8)}${rest}` })], ctx);

    expect(result.decisions).toEqual([]);
    expect(result.refused.map((r) => r.reason)).toEqual(['approval-with-text']);
  });
});
