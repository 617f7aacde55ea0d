import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnomalyRow } from '../../src/adapters/store/types.js';
import { loadConfig } from '../../src/core/config/load-config.js';
import { FleetopsConfig } from '../../src/core/config/schema.js';
import { ConfigError } from '../../src/core/errors.js';
import { runJob } from '../../src/core/run-job.js';
import { availabilityDigestJob, type DigestSummary } from '../../src/digest/availability-digest-job.js';
import { formatDigestSummary } from '../../src/digest/format-digest-summary.js';
import { compareDigestGroups, type DigestOrderKey } from '../../src/digest/digest-model.js';
import type { DigestLlm } from '../../src/digest/narrate-group.js';
import type { DigestEngine } from '../../src/digest/rca-contract.js';
import { readStoreFacts } from '../../src/report/sources/store-source.js';
import { incidentLines } from '../../src/reporting/report/store-figures.js';
import { countingLlm, DAY, DAY_START_MS, dipFindings, moreClusters, END_MS, handEngine, harness, type Harness } from './digest-fixtures.js';

const CHANNEL = 'fleet-availability';
const PARENT = `digest:${DAY}:parent`;

let h: Harness | undefined;
afterEach(async () => {
  await h?.store.close();
  h = undefined;
});

/**
 * Six groups: g-5 on 3 clusters, g-4 on 2, g-0 to g-3 on 1, g-0 a warning. The digest's order is
 * g-5, g-4, g-1, g-2, g-3, g-0; the engine returns them reversed (g-5, g-4, g-3, …), another order.
 */
const FINDINGS = [...dipFindings(6, 1), ...moreClusters(5, [6, 7]), ...moreClusters(4, [8])];
const DIGEST_ORDER = ['g-5', 'g-4', 'g-1', 'g-2', 'g-3', 'g-0'];

/** The hand engine, recording the groups whose evidence it collects and that it analyses. */
function countingEngine() {
  const engine = handEngine({ excerpt: () => 'availability fell to 97.0%' });
  const collected: string[] = [];
  const analysed: string[] = [];
  const correlate = engine.correlate.bind(engine);
  engine.correlate = (f, c, o) => correlate(f, c, o).map((g) => (g.id === 'g-0' ? { ...g, severity: 'warning' as const } : g)).reverse();
  const collect = engine.collectEvidence.bind(engine);
  engine.collectEvidence = async (g, ...rest) => (collected.push(g.id), collect(g, ...rest));
  const analyse = engine.analyseGroup.bind(engine);
  engine.analyseGroup = (g, ...rest) => (analysed.push(g.id), analyse(g, ...rest));
  return { engine, collected, analysed: () => [...new Set(analysed)] };
}

interface LogLine { level: number; msg: string; [k: string]: unknown }

async function digest(hh: Harness, digestConfig: Record<string, unknown>, opts: { engine?: DigestEngine; llm?: DigestLlm } = {}) {
  hh.deps.config = FleetopsConfig.parse({ digest: digestConfig });
  const logs: LogLine[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) });
  let summary: DigestSummary | undefined;
  const result = await runJob({ job: 'availability-digest', logger, clock: hh.clock, deadlineSeconds: 600, store: hh.store }, async (ctx) => (
    summary = await availabilityDigestJob(hh.deps, ctx, { day: DAY, endMs: END_MS, engine: opts.engine ?? handEngine(), llm: opts.llm, concurrency: 1 })
  ));
  expect(result.failures).toEqual([]);
  return { summary: summary!, logs, runId: result.runId };
}

const doc = (hh: Harness) => readFileSync(join(hh.dir, 'docs', `digest_${DAY}.md`), 'utf8');
const html = (hh: Harness) => readFileSync(join(hh.dir, 'docs', `digest_${DAY}.html`), 'utf8');
const messages = (hh: Harness) => hh.outbox.readAll(CHANNEL);
const keyOf = (m: ReturnType<typeof messages>[number]) => String(m.metadata?.payload.idempotency_key);
const parentText = (hh: Harness) => JSON.stringify(messages(hh).find((m) => keyOf(m) === PARENT)?.blocks ?? null);

describe('digest.maxAnalysedGroups: the per-run analysis budget', () => {
  it('analyses only the first N groups in the digest\'s order and reports the rest as not analysed', async () => {
    h = await harness({ findings: FINDINGS, clusterCount: 9 });
    const { engine, collected, analysed } = countingEngine();
    const llm = countingLlm();

    const { summary, logs } = await digest(h, { maxAnalysedGroups: 3 }, { engine, llm });

    // before: every group's evidence collected and analysed, in the engine's order
    expect(collected).toEqual(['g-5', 'g-4', 'g-1']);
    expect(analysed()).toEqual(['g-5', 'g-4', 'g-1']);
    expect(llm.calls()).toBe(3);
    expect(summary).toMatchObject({ groups: 6, notAnalysed: 3, maxAnalysedGroups: 3, failedGroups: 0, rootCauses: 3, llmCalls: 3 });
    expect(formatDigestSummary(summary, { outDir: 'out', channel: '#c' })).toContain('6 incident groups (3 root causes, 0 inconclusive, 3 not analysed: past digest.maxAnalysedGroups (3))');
    expect(logs.filter((l) => l.msg.includes('maxAnalysedGroups'))).toEqual([expect.objectContaining({
      level: 40,
      msg: 'digest groups past digest.maxAnalysedGroups not analysed', day: DAY, groups: 6, analysed: 3, notAnalysed: 3, maxAnalysedGroups: 3,
    })]);
    // the document: a section for each analysed group, one line each for the rest, marked, and why
    const md = doc(h);
    expect(md).toContain('6 incident groups over 9 clusters: 3 with a first-level root cause, 0 inconclusive (need a human), 3 not analysed.');
    expect(md).toContain('**3 of 6 groups were not analysed.** `digest.maxAnalysedGroups` is 3, so only the first groups in the digest\'s order');
    expect(md).toContain('Groups 4 to 6 have no section of their own: see “Groups in brief” below.');
    expect(md).toContain('Groups 4 to 6, one line each in the same order. None of them was analysed: they are past `digest.maxAnalysedGroups`, so no evidence was gathered and no RCA made for them.');
    const rows = md.split('\n').filter((l) => l.includes('| not analysed |'));
    expect(rows.map((r) => /`(g-\d)`/.exec(r)?.[1])).toEqual(['g-2', 'g-3', 'g-0']);
    expect(rows[0]).toMatch(/^\| 4 \| comp-2 availability dips on 1 clusters \| critical \| 1 \| not analysed \| — \| — \| — \| `g-2` \|$/);
    const anchors = [...html(h).matchAll(/ id="(group-g-\d)"/g)].map((x) => x[1]);
    expect(anchors).toEqual(['group-g-5', 'group-g-4', 'group-g-1']);
    // Slack: one sentence in the parent, replies for the analysed groups only
    expect(parentText(h)).toContain('*6* incident groups over *9* clusters: 3 with a root cause, 0 inconclusive, 0 remediation proposals. *3* of them were not analysed (no evidence, RCA or proposal): `digest.maxAnalysedGroups` is 3; the document lists them.');
    expect(parentText(h)).toContain('Thread replies for the first 3 of 6 groups below; every group is in the document');
    expect(messages(h).filter((m) => m.threadTs).map(keyOf)).toEqual(['g-5', 'g-4', 'g-1'].map((g) => `digest:${DAY}:group:${g}`));
    // the store: evidence and RCA rows for the analysed groups; an incident row, marked, for every group
    for (const g of ['g-2', 'g-3', 'g-0']) {
      expect(await h.store.rcas.get(g)).toBeUndefined();
      expect(await h.store.evidence.listByGroup(g)).toEqual([]);
    }
    const rowsByGroup = new Map((await h.store.incidents.list({ day: DAY })).map((r) => [r.id, r]));
    expect([...rowsByGroup.keys()].sort()).toEqual([...DIGEST_ORDER].sort());
    expect(DIGEST_ORDER.map((g) => rowsByGroup.get(g)?.attributes.notAnalysed)).toEqual([undefined, undefined, undefined, { maxAnalysedGroups: 3 }, { maxAnalysedGroups: 3 }, { maxAnalysedGroups: 3 }]);
  });

  it('keeps the weekly report\'s counts: every group is an incident, those not analysed without an RCA', async () => {
    h = await harness({ findings: FINDINGS, clusterCount: 9 });
    await digest(h, { maxAnalysedGroups: 3 }, { engine: countingEngine().engine });

    const facts = await readStoreFacts(h.store, { startMs: DAY_START_MS, endMs: END_MS });

    // before: 6 incidents, each with its RCA
    const lines = incidentLines(facts.incidents, facts.rcas);
    expect(lines).toHaveLength(6);
    expect(Object.fromEntries(lines.map((l) => [l.id, l.verdict]))).toEqual({ 'g-0': 'not analysed', 'g-1': 'root-cause', 'g-2': 'not analysed', 'g-3': 'not analysed', 'g-4': 'root-cause', 'g-5': 'root-cause' });
  });

  it('changes nothing when the budget covers every group', async () => {
    const runs: { md: string; parent: string; collected: string[] }[] = [];
    for (const maxAnalysedGroups of [6, 200]) {
      h = await harness({ findings: FINDINGS, clusterCount: 9 });
      const { engine, collected } = countingEngine();
      const { summary, logs, runId } = await digest(h, { maxAnalysedGroups }, { engine });
      expect(summary).toMatchObject({ groups: 6, notAnalysed: 0, maxAnalysedGroups });
      expect(logs.filter((l) => l.msg.includes('maxAnalysedGroups'))).toEqual([]);
      expect((await h.store.incidents.list({ day: DAY })).filter((r) => 'notAnalysed' in r.attributes)).toEqual([]);
      const same = (text: string) => text.replaceAll(runId, 'RUN').replaceAll(h!.dir, 'DIR');
      runs.push({ md: same(doc(h)), parent: same(parentText(h)), collected: [...collected] });
      await h.store.close();
      h = undefined;
    }

    expect(runs[0].collected).toEqual(DIGEST_ORDER);
    expect(runs[0]).toEqual(runs[1]);
    expect(runs[0].md).not.toContain('not analysed');
    expect(runs[0].parent).not.toContain('not analysed');
    expect(runs[0].parent).toContain('One thread reply per group below');
  });

  it('reruns the same day idempotently, and a larger budget analyses more and edits the publication in place', async () => {
    h = await harness({ findings: FINDINGS, clusterCount: 9 });
    const first = await digest(h, { maxAnalysedGroups: 2 }, { engine: countingEngine().engine });
    const firstMessages = messages(h).map((m) => [keyOf(m), m.ts]);
    const firstDoc = doc(h).replaceAll(first.runId, 'RUN');

    const again = countingEngine();
    const second = await digest(h, { maxAnalysedGroups: 2 }, { engine: again.engine });

    expect(again.collected).toEqual(['g-5', 'g-4']);
    expect(messages(h).map((m) => [keyOf(m), m.ts])).toEqual(firstMessages);
    expect(doc(h).replaceAll(second.runId, 'RUN')).toEqual(firstDoc);
    expect(second.summary.publication).toMatchObject({ docCreated: false, docUrl: first.summary.publication.docUrl, repliesPosted: 0, repliesEdited: 2 });
    expect(second.summary).toMatchObject({ notAnalysed: 4, superseded: 0 });

    const more = countingEngine();
    const third = await digest(h, { maxAnalysedGroups: 4 }, { engine: more.engine });

    expect(more.collected).toEqual(['g-5', 'g-4', 'g-1', 'g-2']);
    expect(third.summary).toMatchObject({ notAnalysed: 2, superseded: 0, publication: { docCreated: false, docUrl: first.summary.publication.docUrl, repliesPosted: 2, repliesEdited: 2 } });
    const after = messages(h);
    expect(after.map(keyOf)).toEqual([PARENT, ...['g-5', 'g-4', 'g-1', 'g-2'].map((g) => `digest:${DAY}:group:${g}`)]);
    expect(after.slice(0, 3).map((m) => m.ts)).toEqual(firstMessages.map(([, ts]) => ts));
    expect(parentText(h)).toContain('*2* of them were not analysed');
    expect(doc(h)).toContain('2 of 6 groups were not analysed');
    expect((await h.store.rcas.get('g-2'))?.verdict).toBe('root-cause');
    expect((await h.store.incidents.get('g-2'))?.attributes.notAnalysed).toBeUndefined();
    expect((await h.store.incidents.get('g-3'))?.attributes.notAnalysed).toEqual({ maxAnalysedGroups: 4 });
  });
});

describe('the digest order on a noisy day', () => {
  it('ranks equal groups by impact: a silent cluster, then the most budget burned, then the most findings, then the earliest start', () => {
    const key = (id: string, over: Partial<DigestOrderKey> = {}): DigestOrderKey => ({ id, severity: 'critical', clusters: ['c-1'], components: ['coredns'], findingCount: 1, budgetBurned: 0, startMs: 0, ...over });
    const keys = [
      key('blip-early'), key('blip-late', { startMs: 5 }), key('two-findings', { findingCount: 2, startMs: 9 }),
      key('burned', { budgetBurned: 0.4, startMs: 9 }), key('burned-more', { budgetBurned: 0.9, startMs: 9 }), key('silent', { components: ['*'], startMs: 9 }),
      key('warning', { severity: 'warning', budgetBurned: 5 }), key('two-clusters', { clusters: ['c-1', 'c-2'], startMs: 9 }),
    ];
    expect([...keys].sort(compareDigestGroups).map((k) => k.id)).toEqual(['two-clusters', 'silent', 'burned-more', 'burned', 'two-findings', 'blip-early', 'blip-late', 'warning']);
  });

  it('analyses a late outage that burned error budget and a silent cluster before a day of earlier one-point blips', async () => {
    const at = (m: number) => DAY_START_MS + m * 60_000;
    const blips: AnomalyRow[] = Array.from({ length: 8 }, (_, i) => ({
      id: `f-blip-${i}`, runId: 'scan-1', cluster: `c-eu-west-1-${String(i).padStart(4, '0')}`, component: `comp-${i}`, signal: 'availability', kind: 'dip', severity: 'critical',
      startMs: at(60 + i), endMs: at(65 + i), score: 4, details: { slo: 0.999, minAvailability: 0.998, budgetBurnedFraction: 0.001, peakBurnRate: 2 },
    }));
    const outage: AnomalyRow = { ...blips[0], id: 'f-outage', cluster: 'c-eu-west-1-0008', component: 'comp-8', startMs: at(1200), endMs: at(1300), details: { slo: 0.999, minAvailability: 0.6, budgetBurnedFraction: 0.8, peakBurnRate: 400 } };
    const silence: AnomalyRow = { ...blips[0], id: 'f-silent', cluster: 'c-eu-west-1-0009', component: 'comp-9', kind: 'missing-data', startMs: at(1300), endMs: at(1400), details: {} };
    h = await harness({ findings: [...blips, outage, silence], clusterCount: 10 });
    const { engine, collected } = countingEngine();
    // correlation files a missing-data finding under component '*' (the hand engine keys groups by component)
    const correlate = engine.correlate.bind(engine);
    engine.correlate = (f, c, o) => correlate(f, c, o).map((g) => (g.id === 'g-9' ? { ...g, components: ['*'], signals: ['*'] } : g));
    const { summary } = await digest(h, { maxAnalysedGroups: 2 }, { engine });

    expect(collected.sort()).toEqual(['g-8', 'g-9']);
    expect(summary).toMatchObject({ groups: 10, notAnalysed: 8 });
  });
});

describe('digest.maxAnalysedGroups in the config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetops-digest-budget-config-'));
  const file = (text: string) => {
    const p = join(dir, 'digest.yaml');
    writeFileSync(p, text);
    return p;
  };

  it('defaults to 200 and takes any whole number from 1', () => {
    expect(loadConfig().digest.maxAnalysedGroups).toBe(200);
    expect(loadConfig({ file: file('digest:\n  maxThreadReplies: 25\n  maxAnalysedGroups: 1\n') }).digest.maxAnalysedGroups).toBe(1);
    expect(loadConfig({ env: { FLEETOPS__DIGEST__MAXANALYSEDGROUPS: '5000' } }).digest.maxAnalysedGroups).toBe(5000);
  });

  it.each([
    ['zero', '0', 'digest.yaml:3: digest.maxAnalysedGroups: expected an integer ≥ 1 (incident groups analysed per run), found number 0'],
    ['negative', '-5', 'digest.yaml:3: digest.maxAnalysedGroups: expected an integer ≥ 1 (incident groups analysed per run), found number -5'],
    ['a fraction', '2.5', 'digest.yaml:3: digest.maxAnalysedGroups: expected an integer ≥ 1, found number 2.5'],
    ['text', 'all', 'digest.yaml:3: digest.maxAnalysedGroups: expected an integer ≥ 1, found string "all"'],
  ])('refuses %s naming file, line and field', (_case, value, message) => {
    const path = file(`digest:\n  maxThreadReplies: 25\n  maxAnalysedGroups: ${value}\n`);

    expect(() => loadConfig({ file: path })).toThrow(ConfigError);
    expect(() => loadConfig({ file: path })).toThrow(message);
  });

  it('names the environment variable that set a bad value', () => {
    expect(() => loadConfig({ env: { FLEETOPS__DIGEST__MAXANALYSEDGROUPS: '0' } })).toThrow(/FLEETOPS__DIGEST__MAXANALYSEDGROUPS.*digest\.maxAnalysedGroups/);
  });
});
