import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../src/adapters/chat/types.js';
import { resolveReportWeek } from '../../../src/report/report-week.js';
import { summariseThread } from '../../../src/reporting/report/oncall-threads.js';
import { buildWeeklyReport } from '../../../src/reporting/report/weekly-report.js';

const week = resolveReportWeek({ weekday: 'monday', time: '09:00', timeZone: 'UTC' }, Date.UTC(2026, 11, 1), '2026-11-23');
const T0 = Date.UTC(2026, 10, 24, 3);
const episodes = [0, 1, 2].map((i) => ({ alertname: 'CPUThrottlingHigh', cluster: `c${i}`, severity: 'warning', labels: {}, startMs: T0 + i * 3.6e6, endMs: T0 + i * 3.6e6 + 6e5 }));
const rules = { resolutionReaction: 'white_check_mark', resolutionWords: ['resolved'], alertnames: ['CPUThrottlingHigh'] };
const botPost: ChatMessage = { ts: String(T0 / 1000 + 30), botId: 'BALERTMANAGER', subtype: 'bot_message', text: '[FIRING:3] CPUThrottlingHigh (warning)' };
const reply = (user: string, text: string): ChatMessage => ({ ts: String(T0 / 1000 + 600), user, text });

const build = (replies: ChatMessage[]) => buildWeeklyReport({
  week, generatedAtMs: Date.UTC(2026, 11, 1), episodes: { current: episodes, previous: [] }, threads: [summariseThread(botPost, replies, rules)], unavailable: [],
  options: { topN: 10, flappingMinCycles: 3, toilMinutes: { report: 120, rca: 30, remediation: 20, groupedAlert: 2 } },
});

describe('buildWeeklyReport tuning candidates', () => {
  it('keeps an alert whose only thread is the bot\'s own post as a candidate, and does not hand that post off', () => {
    const r = build([]);

    expect(r.tuningCandidates.map((c) => c.alertname)).toEqual(['CPUThrottlingHigh']);
    expect(r.threads?.open).toEqual([]);
  });

  it('drops the alert from the candidates once a person replied in its thread', () => {
    const r = build([reply('UBOB', 'looking, throttled by the new limits')]);

    expect(r.tuningCandidates).toEqual([]);
    expect(r.threads?.open.map((t) => t.title)).toEqual(['[FIRING:3] CPUThrottlingHigh (warning)']);
  });
});
