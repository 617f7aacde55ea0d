import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FleetopsConfig } from '../../src/core/config/schema.js';
import { loadConfig } from '../../src/core/config/load-config.js';
import { availabilityDigestJob, type DigestSummary } from '../../src/digest/availability-digest-job.js';
import { DAY, dipFindings, moreClusters, END_MS, handEngine, harness, type Harness } from './digest-fixtures.js';

const CHANNEL = 'fleet-availability';
const key = (g: string) => `digest:${DAY}:group:${g}`;
const MORE = `digest:${DAY}:more`;

let h: Harness | undefined;
afterEach(async () => {
  await h?.store.close();
  h = undefined;
});

/** Evidence stays the same when a group grows (evidence rows are immutable, and the hand engine keeps group ids). */
async function digest(hh: Harness, maxThreadReplies: number) {
  hh.deps.config = FleetopsConfig.parse({ digest: { maxThreadReplies } });
  let summary: DigestSummary | undefined;
  const result = await hh.run(async (ctx) => (summary = await availabilityDigestJob(hh.deps, ctx, { day: DAY, endMs: END_MS, engine: handEngine({ excerpt: () => 'availability fell to 97.0%' }) })));
  expect(result.failures).toEqual([]);
  return summary!;
}

function thread(hh: Harness) {
  const msgs = hh.outbox.readAll(CHANNEL);
  const parent = msgs.find((m) => m.metadata?.payload.idempotency_key === `digest:${DAY}:parent`)!;
  const replies = msgs.filter((m) => m.threadTs === parent.ts);
  const byKey = new Map(replies.map((r) => [String(r.metadata?.payload.idempotency_key), r]));
  return { replies, keys: replies.map((r) => String(r.metadata?.payload.idempotency_key)), text: (k: string) => JSON.stringify(byKey.get(k)?.blocks ?? null) };
}

describe('digest thread with digest.maxThreadReplies', () => {
  it('replies to the first N groups in the digest order and counts the rest in one last reply; the document keeps every group', async () => {
    // 5 groups of 2 clusters, g-4 on 4: the order is g-4, g-0, g-1, g-2, g-3
    h = await harness({ findings: [...dipFindings(5, 2), ...moreClusters(4, [10, 11])], clusterCount: 12 });

    const summary = await digest(h, 3);

    const t = thread(h);
    expect(t.keys).toEqual([key('g-4'), key('g-0'), key('g-1'), MORE]);
    expect(t.text(MORE)).toContain('2 more incident groups');
    expect(t.text(MORE)).toContain('comp-2 availability dips');
    expect(t.text(MORE)).toContain('comp-3 availability dips');
    expect(t.text(MORE)).toContain(`digest_${DAY}.html#group-g-2`);
    expect(summary.publication).toMatchObject({ repliesPosted: 3, groupsWithoutReply: 2, repliesMovedToDocument: 0 });
    const doc = readFileSync(join(h.dir, 'docs', `digest_${DAY}.md`), 'utf8');
    for (const g of ['g-0', 'g-1', 'g-2', 'g-3', 'g-4']) expect(doc).toContain(`\`${g}\``);
  });

  it('says in the parent message that only the first N groups have a thread reply', async () => {
    h = await harness({ findings: dipFindings(5, 2), clusterCount: 10 });

    await digest(h, 3);

    const parent = JSON.stringify(h.outbox.readAll(CHANNEL).find((m) => m.metadata?.payload.idempotency_key === `digest:${DAY}:parent`)?.blocks);
    // before: "One thread reply per group below" whatever the cap
    expect(parent).toContain('Thread replies for the first 3 of 5 groups below; every group is in the document');
    expect(parent).not.toContain('One thread reply per group');
  });

  it('edits the reply of a group that drops out of the first N on a rerun, posts the one that moved in, and duplicates nothing', async () => {
    h = await harness({ findings: [...dipFindings(5, 2), ...moreClusters(4, [10, 11])], clusterCount: 16 });
    await digest(h, 3);
    const before = thread(h);
    // later findings make g-3 the largest group: g-3, g-4, g-0 get replies, g-1 drops out
    await h.store.anomalies.upsertMany(moreClusters(3, [12, 13, 14]));

    const summary = await digest(h, 3);

    const after = thread(h);
    expect(after.keys).toEqual([key('g-4'), key('g-0'), key('g-1'), MORE, key('g-3')]);
    expect(after.replies.slice(0, 4).map((r) => r.ts)).toEqual(before.replies.map((r) => r.ts));
    expect(after.text(key('g-1'))).toContain('In the document only');
    expect(after.text(key('g-1'))).toContain(`digest_${DAY}.html#group-g-1`);
    expect(after.text(key('g-3'))).toContain('comp-3 availability dips on 5 clusters');
    expect(after.text(MORE)).toContain('2 more incident groups');
    expect(after.text(MORE)).toContain('comp-1 availability dips');
    expect(after.text(MORE)).not.toContain('comp-3 availability dips');
    expect(summary.publication).toMatchObject({ repliesPosted: 1, repliesEdited: 2, groupsWithoutReply: 2, repliesMovedToDocument: 1 });

    // the same day again: every message edited in place, none added
    await digest(h, 3);
    expect(thread(h).replies.map((r) => r.ts)).toEqual(after.replies.map((r) => r.ts));
  });

  it('gives every group its reply back when the cap is raised, and says so in the last reply', async () => {
    h = await harness({ findings: dipFindings(4, 2), clusterCount: 8 });
    await digest(h, 2);
    await digest(h, 1);
    expect(thread(h).text(key('g-1'))).toContain('In the document only');

    const summary = await digest(h, 25);

    const t = thread(h);
    expect(t.keys).toEqual([key('g-0'), key('g-1'), MORE, key('g-2'), key('g-3')]);
    expect(t.text(key('g-1'))).not.toContain('In the document only');
    expect(t.text(MORE)).toContain('Every incident group of this digest has its own reply in this thread (4)');
    expect(summary.publication).toMatchObject({ repliesPosted: 2, repliesEdited: 2, groupsWithoutReply: 0 });
  });

  it('posts no "more" reply when every group fits', async () => {
    h = await harness({ findings: dipFindings(3, 2), clusterCount: 6 });

    await digest(h, 25);

    expect(thread(h).keys).toEqual([key('g-0'), key('g-1'), key('g-2')]);
  });

  it('defaults to 25 and refuses a bad value naming the field', () => {
    expect(loadConfig().digest.maxThreadReplies).toBe(25);
    expect(loadConfig({ env: { FLEETOPS__DIGEST__MAXTHREADREPLIES: '0' } }).digest.maxThreadReplies).toBe(0);
    expect(() => loadConfig({ env: { FLEETOPS__DIGEST__MAXTHREADREPLIES: '-1' } })).toThrow(/digest\.maxThreadReplies/);
    expect(() => loadConfig({ env: { FLEETOPS__DIGEST__MAXTHREADREPLIES: 'lots' } })).toThrow(/digest\.maxThreadReplies: expected an integer from 0 to 1000, found string "lots"/);
  });
});
