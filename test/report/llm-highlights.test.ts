import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createOutboxChat } from '../../src/adapters/chat/outbox/index.js';
import { createFileDocWriter } from '../../src/adapters/docs/files/index.js';
import { fixedClock } from '../../src/core/clock.js';
import { memoryStore, NOW_MS, runReport, stubLlm, tempDir } from './report-fixtures.js';

async function run(llmText: string | Error, config: Record<string, unknown> = {}) {
  const dir = tempDir();
  const llm = stubLlm(llmText);
  const chat = createOutboxChat({ dir: join(dir, 'slack'), clock: fixedClock(NOW_MS) });
  const { out } = await runReport({ chat, docs: createFileDocWriter({ dir: join(dir, 'docs') }), store: await memoryStore(), llm, config });
  const section = JSON.stringify(chat.readAll('#fleet-oncall')[0].blocks?.[1]);
  return { out: out!, llm, section };
}

describe('LLM highlights', () => {
  it('uses a paragraph whose every number is in the report', async () => {
    const probe = await run('x');
    const a = probe.out.report.alerts;
    const text = `${a.total} alert episodes this week against ${a.previousTotal} last week; ${a.noisiest[0].alertname} was the noisiest with ${a.noisiest[0].episodes}.`;

    const { out, section } = await run(text);

    expect(out.summary.highlights).toBe('llm');
    expect(section).toContain(a.noisiest[0].alertname);
    expect(section).toContain(`${a.total} alert episodes this week`);
  });

  it.each([
    ['an invented number', (t: number) => `${t} alert episodes and 9137 pages overnight.`],
    ['a changed percentage', () => 'Alerts rose by 4123% week over week.'],
  ])('drops a paragraph with %s and uses the template', async (_name, make) => {
    const probe = await run('x');

    const { out, section } = await run(make(probe.out.report.alerts.total));

    expect(out.summary.highlights).toBe('template');
    expect(section).toContain('alert episodes fired');
    expect(section).not.toMatch(/9137|4123/);
  });

  it('falls back to the template when the LLM fails, and never calls it when disabled', async () => {
    const failed = await run(new Error('ThrottlingException'));
    const disabled = await run('anything', { llmHighlights: false });

    expect(failed.out.summary.highlights).toBe('template');
    expect(disabled.out.summary.highlights).toBe('template');
    expect(disabled.llm.calls).toBe(0);
    expect(failed.llm.calls).toBe(1);
  });
});
