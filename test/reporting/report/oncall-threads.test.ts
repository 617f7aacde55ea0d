import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../src/adapters/chat/types.js';
import { summariseThread, threadFigures } from '../../../src/reporting/report/oncall-threads.js';

const T0 = 1_780_000_000;
const msg = (offsetMin: number, user: string | undefined, text: string, extra: Partial<ChatMessage> = {}): ChatMessage => ({ ts: `${T0 + offsetMin * 60}.000100`, user, text, ...extra });
const rules = { resolutionReaction: 'white_check_mark', resolutionWords: ['resolved', 'fixed'], alertnames: ['KubeJobFailed', 'CoreDNSDown'] };
const parent = msg(0, 'UALICE', 'CoreDNSDown firing on c-eu-west-1-0001, anyone?');

describe('summariseThread', () => {
  it.each([
    ['a "resolved" reply', [msg(5, 'UBOB', 'looking'), msg(40, 'UBOB', 'Resolved: restarted coredns')], {}, { resolved: true, resolvedBy: 'reply', resolveMinutes: 40 }],
    ['the resolution reaction on the parent', [msg(5, 'UBOB', 'on it')], { reactions: [{ name: 'white_check_mark', users: ['UBOB'], count: 1 }] }, { resolved: true, resolvedBy: 'reaction', resolveMinutes: undefined }],
    ['a negated word', [msg(5, 'UBOB', 'not resolved yet, still flapping')], {}, { resolved: false }],
    ['"unresolved"', [msg(5, 'UBOB', 'still unresolved')], {}, { resolved: false }],
    ['another reaction', [msg(5, 'UBOB', 'hmm')], { reactions: [{ name: 'eyes', users: ['UBOB'], count: 1 }] }, { resolved: false }],
    ['a bot saying resolved', [msg(5, undefined, 'resolved', { botId: 'BALERTS' })], {}, { resolved: false }],
  ])('resolution by %s', (_name, replies, parentExtra, expected) => {
    const s = summariseThread({ ...parent, ...parentExtra }, replies, rules);

    expect(s).toMatchObject(expected);
  });

  it.each([
    'not yet resolved, still digging',
    'is it resolved?',
    'fixed or not?',
    'this never got fixed last time either',
    'it isn’t resolved',
    "it's yet to be resolved",
  ])('leaves the thread open when a reply says %j', (text) => {
    const s = summariseThread(parent, [msg(5, 'UBOB', text)], rules);

    expect(s).toMatchObject({ resolved: false, resolvedBy: undefined, resolveMinutes: undefined });
    expect(threadFigures([s]).open).toHaveLength(1);
  });

  it.each([
    ['a clause break before the word', 'No, it is fixed now', 5],
    ['a question answered in the same reply', 'fixed? yes, fixed', 5],
    ['reopened, then resolved again', ['fixed', 'it is back, not fixed', 'resolved for real'], 30],
  ] as const)('resolves on the latest signal: %s', (_name, texts, minutes) => {
    const replies = (Array.isArray(texts) ? texts : [texts]).map((t, i) => msg(5 + 12.5 * i, 'UBOB', t));

    const s = summariseThread(parent, replies, rules);

    expect(s).toMatchObject({ resolved: true, resolvedBy: 'reply', resolveMinutes: minutes });
  });

  it('reopens a thread whose latest reply says it is not resolved after all', () => {
    const s = summariseThread(parent, [msg(5, 'UBOB', 'fixed'), msg(20, 'UCAROL', "it's back — not fixed")], rules);

    expect(s.resolved).toBe(false);
  });

  it('does not count a bot alert post nobody answered as acting on the alert, nor as an investigation', () => {
    const bot = msg(0, undefined, '[FIRING:3] KubeJobFailed (warning)', { botId: 'BALERTMANAGER', subtype: 'bot_message' });

    const unanswered = summariseThread(bot, [msg(1, undefined, '[RESOLVED] KubeJobFailed', { botId: 'BALERTMANAGER', subtype: 'bot_message' })], rules);
    const answered = summariseThread(bot, [msg(5, 'UBOB', 'looking')], rules);

    expect(unanswered).toMatchObject({ human: false, alertnames: [] });
    expect(answered).toMatchObject({ human: true, alertnames: ['KubeJobFailed'] });
    expect(threadFigures([unanswered, answered])).toMatchObject({ total: 2, resolved: 0, open: [answered] });
  });

  it('names who answered, the time to the first answer and the alerts mentioned', () => {
    const replies = [msg(2, 'UALICE', 'KubeJobFailed too'), msg(7, 'UBOB', 'on it'), msg(9, undefined, 'bot', { botId: 'B1' }), msg(12, 'UCAROL', 'me too'), msg(15, 'UBOB', 'x')];

    const s = summariseThread(parent, replies, rules);

    expect(s.responders).toEqual(['UBOB', 'UCAROL']);
    expect(s.ackMinutes).toBe(7);
    expect(s.alertnames).toEqual(['CoreDNSDown', 'KubeJobFailed']);
    expect(s.title).toBe(parent.text);
  });

  it.each([
    ['a name with spaces', 'Disk usage high', 'Disk usage high on c-eu-1 again', ['Disk usage high']],
    ['a name with colons and dashes', 'node:cpu-saturated', 'seeing node:cpu-saturated on c2', ['node:cpu-saturated']],
    ['a name with regex characters', 'Errors (5xx) > 1%', 'Errors (5xx) > 1% since the deploy', ['Errors (5xx) > 1%']],
    ['a name only inside a longer word', 'KubeJob', 'KubeJobFailed on c1', []],
  ])('finds the alerts mentioned: %s', (_name, alertname, text, expected) => {
    const s = summariseThread(msg(0, 'UALICE', text), [], { ...rules, alertnames: [alertname] });

    expect(s.alertnames).toEqual(expected);
  });

  it('sums threads into figures with the open ones to hand off', () => {
    const a = summariseThread(parent, [msg(10, 'UBOB', 'fixed')], rules);
    const b = summariseThread(msg(100, 'UCAROL', 'disk pressure on c2'), [msg(130, 'UBOB', 'looking')], rules);
    const c = summariseThread(msg(200, 'UDAN', 'who owns this?'), [], rules);

    const f = threadFigures([a, b, c]);

    expect(f).toMatchObject({ total: 3, resolved: 1, medianAckMinutes: 20, medianResolveMinutes: 10 });
    expect(f.open.map((t) => t.title)).toEqual(['disk pressure on c2', 'who owns this?']);
    expect(f.responders).toEqual([{ user: 'UBOB', threads: 2 }]);
  });
});
