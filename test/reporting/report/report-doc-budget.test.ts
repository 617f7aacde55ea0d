import { describe, expect, it } from 'vitest';
import { spanText, type DocBlock, type DocModel } from '../../../src/reporting/doc-model.js';
import { DEFAULT_DOC_MAX_CHARS, docChars } from '../../../src/reporting/doc-size.js';
import { renderMarkdown } from '../../../src/reporting/render-markdown.js';
import { templateHighlights } from '../../../src/reporting/report/highlights.js';
import { reportDocModel } from '../../../src/reporting/report/report-doc.js';
import type { WeeklyReport } from '../../../src/reporting/report/weekly-report.js';
import { largeWeek } from './large-week.js';

type Table = Extract<DocBlock, { kind: 'table' }>;

const doc = (r: WeeklyReport, maxChars?: number) => reportDocModel(r, { text: templateHighlights(r), source: 'template' }, '<svg/>', {}, { maxChars });
const incidentTable = (d: DocModel) => d.blocks.find((b): b is Table => b.kind === 'table' && b.header[0] === 'Incident');
const cell = (row: Table['rows'][number], i: number) => row[i].map(spanText).join('');

describe('weekly report document within a character budget', () => {
  it('keeps a normal week whole', () => {
    const r = largeWeek({ incidents: 40, openThreads: 5 });

    const d = doc(r);

    expect(incidentTable(d)?.rows).toHaveLength(40);
    expect(renderMarkdown(d)).not.toContain('Shortened');
  });

  it('lists the incidents on the most clusters of a week of 20,000 within the budget, and counts the rest', () => {
    const r = largeWeek({ incidents: 20_000, openThreads: 20 });

    const d = doc(r);

    // before: all 20,000 rows, about 2.3 million characters (over Google's 1.02 million)
    expect(docChars(d)).toBeLessThanOrEqual(DEFAULT_DOC_MAX_CHARS);
    const rows = incidentTable(d)!.rows;
    expect(rows.length).toBeGreaterThan(400);
    expect(rows.length).toBeLessThan(20_000);
    // all 400 incidents on 40 clusters are listed, in start order
    expect(rows.filter((row) => cell(row, 2) === '40')).toHaveLength(400);
    expect(rows.map((row) => cell(row, 0))[0]).toBe('coredns availability on 40 clusters');
    const md = renderMarkdown(d);
    expect(md).toContain(`**Shortened to fit Google Docs: the whole report would take about ${docChars(doc(r, Infinity)).toLocaleString('en-US')} characters`);
    expect(md).toContain(`so it lists ${rows.length.toLocaleString('en-US')} of 20,000 incident groups. Every count and figure covers them all.`);
    expect(md).toContain(`${20_000 - rows.length} of 20000 incident groups started this week are not listed, to keep this document within its budget: `);
    expect(md).toContain('- UALICE: answered in 20 threads');
  });

  it('says how many of the unlisted incidents the digest did not analyse (past digest.maxAnalysedGroups), apart from those without an RCA', () => {
    const r = largeWeek({ incidents: 20_000, notAnalysedEvery: 7 });

    const md = renderMarkdown(doc(r));

    const rows = incidentTable(doc(r))!.rows;
    expect(rows.every((row) => cell(row, 3) !== 'not analysed')).toBe(true);
    const notAnalysed = r.incidents!.filter((i) => i.verdict === 'not analysed').length;
    expect(notAnalysed).toBeGreaterThan(2_000);
    expect(md).toMatch(new RegExp(`, 0 without an RCA, ${notAnalysed} not analysed \\(past digest\\.maxAnalysedGroups\\); the \\d+ listed are those on the most clusters`));
  });

  it('cuts the open investigations too when the incident table alone does not make it fit', () => {
    const r = largeWeek({ incidents: 3_000, openThreads: 2_000 });

    const d = doc(r, 100_000);

    expect(docChars(d)).toBeLessThanOrEqual(100_000);
    expect(incidentTable(d)).toBeUndefined();
    const md = renderMarkdown(d);
    expect(md).toContain('3000 of 3000 incident groups started this week are not listed');
    expect(md).toMatch(/… and \d+ more open threads, not listed to keep this document within its budget: they are in the on-call channel\./);
    expect(md).toMatch(/so it lists 0 of 3,000 incident groups and [\d,]+ of 2,000 open investigations\./);
  });
});
