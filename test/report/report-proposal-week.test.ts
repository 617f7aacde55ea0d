/**
 * A proposal counts in the week its incident group started in (the week that lists the group), whenever
 * it was made: the digest of a week's last day runs after the handoff. One whose group is no longer
 * stored counts in the week it was made. Each proposal counts in exactly one week.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IncidentGroupRow, ProposalRow, ProposalState, Store } from '../../src/adapters/store/types.js';
import { readStoreFacts } from '../../src/report/sources/store-source.js';
import { resolveReportWeek } from '../../src/report/report-week.js';
import { renderMarkdown } from '../../src/reporting/render-markdown.js';
import { highlightFacts, templateHighlights } from '../../src/reporting/report/highlights.js';
import { reportDocModel } from '../../src/reporting/report/report-doc.js';
import { reportSlackMessage } from '../../src/reporting/report/report-slack.js';
import { buildWeeklyReport } from '../../src/reporting/report/weekly-report.js';
import { memoryStore } from './report-fixtures.js';

const HOUR = 3_600_000;
const handoff = { weekday: 'monday' as const, time: '09:00', timeZone: 'Europe/Berlin' };
const NOW = Date.UTC(2026, 11, 10);
const first = resolveReportWeek(handoff, NOW, '2026-11-16');
const second = resolveReportWeek(handoff, NOW, '2026-11-23');
/** Mon 2026-11-23 09:00 Berlin (08:00 UTC): the handoff between the two weeks. */
const B = second.startMs;

const group = (id: string, startMs: number, attributes: Record<string, unknown> = {}): IncidentGroupRow => ({
  id, runId: 'r1', day: new Date(startMs).toISOString().slice(0, 10), title: `incident ${id}`, startMs, endMs: startMs + 2 * HOUR, clusters: ['c1'], anomalyIds: [], attributes,
});
const proposal = (id: string, groupId: string, createdAtMs: number, state: ProposalState = 'proposed'): ProposalRow => ({
  id, groupId, operation: 'rollout-restart', cluster: 'c1', target: { id }, params: {}, risk: 'low', state, createdAtMs, expiresAtMs: createdAtMs + HOUR, updatedAtMs: createdAtMs,
});

const GROUPS = [
  group('sunday', B - 18 * HOUR), // the first week's last day
  group('crossing', B - HOUR), // started before the handoff, lasts into the second week (which reads it as overlapping)
  group('monday', B + HOUR),
  group('regrouped', B - 30 * HOUR, { supersededByRunId: 'r2' }),
];
/** Proposal ids by the week their group puts them in. */
const EXPECTED = {
  first: ['sunday-before', 'sunday-at', 'sunday-after', 'crossing-before', 'crossing-at', 'crossing-after', 'regrouped-acted', 'gone-before'],
  second: ['monday-before', 'monday-at', 'monday-after', 'gone-at', 'gone-after'],
};
const PROPOSALS = [
  ...['sunday', 'crossing', 'monday', 'gone'].flatMap((g) => [proposal(`${g}-before`, g, B - 1), proposal(`${g}-at`, g, B), proposal(`${g}-after`, g, B + 20 * HOUR, 'succeeded')]),
  proposal('regrouped-acted', 'regrouped', B + 2 * HOUR, 'approved'),
  proposal('regrouped-withdrawn', 'regrouped', B + 2 * HOUR),
];

describe('weekly report: the week a proposal counts in', () => {
  let store: Store;

  beforeEach(async () => {
    store = await memoryStore();
    await store.incidents.upsertMany(GROUPS);
    for (const p of PROPOSALS) await store.proposals.insert(p);
  });
  afterEach(async () => store.close());

  it('counts each proposal once, in the week its incident group started in, whenever it was made', async () => {
    const a = await readStoreFacts(store, first);
    const b = await readStoreFacts(store, second);

    expect(a.proposals.map((p) => p.id).sort()).toEqual([...EXPECTED.first].sort());
    expect(b.proposals.map((p) => p.id).sort()).toEqual([...EXPECTED.second].sort());
    const counted = [...a.proposals, ...b.proposals].map((p) => p.id);
    expect(new Set(counted).size).toBe(counted.length);
    expect(counted.sort()).toEqual(PROPOSALS.map((p) => p.id).filter((id) => id !== 'regrouped-withdrawn').sort());
    expect(a.incidents.map((g) => g.id)).toEqual(['sunday', 'crossing']);
  });

  it('gives the same figures on a rerun of the same week', async () => {
    const build = async () => buildWeeklyReport({ week: first, generatedAtMs: NOW, unavailable: [], ...(await readStoreFacts(store, first)), options: { topN: 10, flappingMinCycles: 3, toilMinutes: { report: 120, rca: 30, remediation: 20, groupedAlert: 2 } } });

    const [once, again] = [await build(), await build()];

    expect(once.remediation).toEqual({ proposed: 8, approved: 3, rejected: 0, expired: 0, executed: 2, verified: 2, failed: 0, rolledBack: 0, recovered: 0 });
    expect(again.remediation).toEqual(once.remediation);
  });

  it('states what the figures cover, and the table, the Slack field and the highlights agree', async () => {
    const r = buildWeeklyReport({ week: first, generatedAtMs: NOW, unavailable: [], ...(await readStoreFacts(store, first)), options: { topN: 10, flappingMinCycles: 3, toilMinutes: { report: 120, rca: 30, remediation: 20, groupedAlert: 2 } } });
    const highlights = { text: templateHighlights(r), source: 'template' as const };

    const md = renderMarkdown(reportDocModel(r, highlights, '<svg/>'));
    const slack = JSON.stringify(reportSlackMessage(r, highlights, 'https://docs.example/d/1').blocks);

    expect(r.incidents).toHaveLength(2);
    expect(md).toContain("## Remediation\n\nProposals for this week's incident groups, whenever they were made, in their state now (a proposal whose incident group is no longer stored counts in the week it was made); proposals made, and states changed, after this report was generated show when it is run again for this week.");
    expect(md).toContain('| 8 | 3 | 0 | 0 | 2 | 2 | 0 | 0 | 0 |');
    expect(slack).toContain('*Remediations executed*\\n2 of 8 proposed');
    expect(highlights.text).toContain("Remediation of the week's incidents: 8 proposed, 2 executed, 0 rolled back.");
    expect(highlightFacts(r).remediation).toMatchObject({ covers: expect.stringContaining("this week's incident groups"), proposed: 8, executed: 2, rolledBack: 0 });
    expect(r.toil.formula).toContain('2 remediations executed × 20 min');
  });
});
