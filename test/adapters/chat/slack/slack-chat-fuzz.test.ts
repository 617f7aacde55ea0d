import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { context, divider, escapeSlackText, fields, fitMessage, header, link, section, type SlackBlock } from '../../../../src/reporting/slack/index.js';
import { startSlackFake, type SlackFake } from '../../../fakes/slack-fake.js';
import { hostileText, seededRandom, textsOf, unsafeParts } from '../../../reporting/slack/fuzz-text.js';
import { memoryPublications, slackAgainst } from './setup.js';

const DOC = 'https://docs.example.com/document/d/digest-2026-11-29';
const EVIDENCE = 'https://grafana.example.com/d/avail';

function incidentGroups(count: number) {
  const rand = seededRandom(20261129);
  return Array.from({ length: count }, (_, i) => ({
    id: `g${i}`,
    title: hostileText(rand, 40 + Math.floor(rand() * 200)),
    excerpt: hostileText(rand, 10_000),
    clusters: hostileText(rand, 300),
    evidenceUrl: rand() < 0.5 ? EVIDENCE : `javascript:alert(${i})`,
  }));
}

type Group = ReturnType<typeof incidentGroups>[number];

function groupBlocks(g: Group): SlackBlock[] {
  return [
    header(g.title),
    section(`*Root cause*\n${escapeSlackText(g.excerpt)}`, { docUrl: DOC }),
    fields([['Clusters', escapeSlackText(g.clusters)], ['Evidence', link(g.evidenceUrl, g.title)], ['Excerpt', escapeSlackText(g.excerpt)]], { docUrl: DOC }),
    context(escapeSlackText(g.id), link(DOC, 'full RCA')),
  ];
}

describe('fuzz: a digest of 200 hostile incident groups posted to the fake', () => {
  let fake: SlackFake;

  beforeAll(async () => {
    fake = await startSlackFake({ pageSize: 200 });
    fake.addChannel('fleet-availability');
  });
  afterAll(async () => {
    await fake.close();
  });

  it('never produces invalid_blocks, a mention or a forged link', async () => {
    const groups = incidentGroups(200);
    const { chat } = slackAgainst(fake, { publications: memoryPublications() });
    const parentBlocks = [header('Availability digest 2026-11-29 <!channel>'), section(`${link(DOC, 'Full document')} — ${groups.length} incident groups`), divider(),
      ...groups.flatMap((g) => [section(`*${escapeSlackText(g.title)}*\n${escapeSlackText(g.excerpt)}`, { docUrl: DOC }), divider()])];

    const parentMsg = fitMessage(parentBlocks, { docUrl: DOC });
    const parent = await chat.upsertMessage({ channel: '#fleet-availability', idempotencyKey: 'digest:2026-11-29:parent', ...parentMsg });
    for (const g of groups) {
      const reply = fitMessage(groupBlocks(g), { docUrl: DOC, text: escapeSlackText(g.title) });
      await chat.upsertMessage({ channel: '#fleet-availability', threadTs: parent.ts, idempotencyKey: `digest:2026-11-29:${g.id}`, ...reply });
    }

    const posted = fake.callsOf('chat.postMessage');
    expect(posted).toHaveLength(201);
    expect(fake.unexpected).toEqual([]);
    const texts = posted.flatMap((c) => [...textsOf(c.blocks), String(c.text)]);
    expect(texts.flatMap((t) => unsafeParts(t, [DOC, EVIDENCE]))).toEqual([]);
    expect((posted[0].blocks as unknown[]).length).toBe(50);
    expect(fake.callsOf('conversations.replies')).toHaveLength(1);
    expect(posted.slice(1).every((c) => c.thread_ts === parent.ts)).toBe(true);
  });
});
