import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FleetopsConfig } from '../../src/core/config/schema.js';
import { availabilityDigestJob, type DigestSummary } from '../../src/digest/availability-digest-job.js';
import { DAY, dipFindings, END_MS, handEngine, harness, type Harness } from './digest-fixtures.js';

const CHANNEL = 'fleet-availability';
const GROUPS = 30;
/** About the opening blocks and a few groups in full: the other groups get one line each. */
const MAX_CHARS = 12_000;

let h: Harness | undefined;
afterEach(async () => {
  await h?.store.close();
  h = undefined;
});

async function digest(hh: Harness, config: Record<string, unknown>) {
  hh.deps.config = FleetopsConfig.parse(config);
  let summary: DigestSummary | undefined;
  const result = await hh.run(async (ctx) => (summary = await availabilityDigestJob(hh.deps, ctx, { day: DAY, endMs: END_MS, engine: handEngine() })));
  expect(result.failures).toEqual([]);
  return summary!;
}

/** Every link into the day's document in the channel's messages, as [message key, anchor]. */
function documentLinks(hh: Harness): [string, string][] {
  return hh.outbox.readAll(CHANNEL).flatMap((m) => [...JSON.stringify(m.blocks).matchAll(new RegExp(`digest_${DAY}\\.html#([\\w-]+)`, 'g'))]
    .map((x): [string, string] => [String(m.metadata?.payload.idempotency_key), x[1]]));
}

const text = (hh: Harness, key: string) => JSON.stringify(hh.outbox.readAll(CHANNEL).find((m) => m.metadata?.payload.idempotency_key === key)?.blocks ?? null);

describe('digest publication with a shortened document (docs.maxChars)', () => {
  it('links every group to where it is in the shortened document and says how it was shortened', async () => {
    h = await harness({ findings: dipFindings(GROUPS, 1), clusterCount: GROUPS });

    const summary = await digest(h, { docs: { maxChars: MAX_CHARS }, digest: { maxThreadReplies: 3 } });

    const html = readFileSync(join(h.dir, 'docs', `digest_${DAY}.html`), 'utf8');
    const ids = new Set([...html.matchAll(/ id="([^"]+)"/g)].map((x) => x[1]));
    const shortened = summary.publication.docShortened!;
    expect(shortened.inFull).toBeGreaterThan(0);
    expect(shortened).toEqual({ inFull: shortened.inFull, inBrief: GROUPS - shortened.inFull, counted: 0 });
    // before: links to #group-<id> for every group, most of them sections this document does not have
    const links = documentLinks(h);
    expect(links.filter(([, anchor]) => !ids.has(anchor))).toEqual([]);
    expect(links.some(([, anchor]) => anchor === 'groups-in-brief')).toBe(true);
    const more = text(h, `digest:${DAY}:more`);
    // before: "The document has every group's full RCA."
    expect(more).not.toContain('has every group\'s full RCA');
    expect(more).toContain(`was shortened to fit Google Docs: of its ${GROUPS} groups, ${shortened.inFull} in full and ${shortened.inBrief} in brief (one line each).`);
    expect(more).toContain('Every group\'s full RCA is in the fleetops store under its group id.');
    const briefReplies = h.outbox.readAll(CHANNEL).filter((m) => String(m.metadata?.payload.idempotency_key).includes(':group:')).map((m) => JSON.stringify(m.blocks)).filter((t) => t.includes('#groups-in-brief'));
    expect(briefReplies).toHaveLength(3 - shortened.inFull);
    for (const reply of briefReplies) expect(reply).toMatch(/One line in the document>; full RCA in the fleetops store/);
    expect(text(h, `digest:${DAY}:parent`)).toContain(`|the document>: ${shortened.inFull} of ${GROUPS} groups (shortened); all in the fleetops store by group id`);
  });

  it('keeps the budget out of a normal day: every group in full, linked to its section, and the last reply says so', async () => {
    h = await harness({ findings: dipFindings(5, 1), clusterCount: 5 });

    const summary = await digest(h, { digest: { maxThreadReplies: 3 } });

    expect(summary.publication.docShortened).toBeUndefined();
    expect(documentLinks(h).filter(([key]) => key === `digest:${DAY}:more`).map(([, a]) => a)).toEqual(['group-g-3', 'group-g-4']);
    expect(text(h, `digest:${DAY}:more`)).toContain('has every group\'s full RCA.');
  });

  it('points a moved reply to the group\'s brief line when a rerun shortens the document', async () => {
    h = await harness({ findings: dipFindings(GROUPS, 1), clusterCount: GROUPS });
    await digest(h, { digest: { maxThreadReplies: GROUPS } });

    await digest(h, { docs: { maxChars: MAX_CHARS }, digest: { maxThreadReplies: 3 } });

    const last = text(h, `digest:${DAY}:group:g-${GROUPS - 1}`);
    expect(last).toContain('In the document only');
    expect(last).toContain(`digest_${DAY}.html#groups-in-brief|one line for it>`);
    expect(last).toContain(`its full RCA is in the fleetops store under group \`g-${GROUPS - 1}\``);
    expect(last).not.toContain('#group-g-');
  });
});
