import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createOutboxChat } from '../../../../src/adapters/chat/outbox/index.js';
import { fixedClock } from '../../../../src/core/clock.js';

/** Every read, write (characters, by final path: an atomic write's temp file counts for its target) and rename of the outbox. */
const io = vi.hoisted(() => ({ reads: new Map<string, number>(), written: new Map<string, number>(), renames: new Map<string, number>() }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const add = (m: Map<string, number>, path: unknown, n = 1) => m.set(String(path).replace(/\.\d+\.\d+\.tmp$/, ''), (m.get(String(path).replace(/\.\d+\.\d+\.tmp$/, '')) ?? 0) + n);
  const counted = {
    readFileSync: ((path: string, ...rest: never[]) => (add(io.reads, path), fs.readFileSync(path, ...rest))) as typeof fs.readFileSync,
    writeFileSync: ((path: string, data: string, ...rest: never[]) => (add(io.written, path, data.length), fs.writeFileSync(path, data, ...rest))) as typeof fs.writeFileSync,
    appendFileSync: ((path: string, data: string, ...rest: never[]) => (add(io.written, path, data.length), fs.appendFileSync(path, data, ...rest))) as typeof fs.appendFileSync,
    renameSync: ((from: string, to: string) => (add(io.renames, to), fs.renameSync(from, to))) as typeof fs.renameSync,
  };
  return { ...fs, ...counted, default: { ...fs, ...counted } };
});

const CHANNEL = '#fleet-availability';
// a digest reply's size: eight sections of ~350 characters
const blocks = (i: number) => Array.from({ length: 8 }, (_, b) => ({ type: 'section', text: { type: 'mrkdwn', text: `reply ${i} section ${b}: ${'evidence '.repeat(40)}<https://docs.example/d#g-${i}|open>` } }));

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'fleetops-outbox-io-'));
  const chat = createOutboxChat({ dir, clock: fixedClock(Date.UTC(2026, 10, 30)) });
  const files = { json: join(dir, 'fleet-availability.json'), log: join(dir, 'fleet-availability.jsonl'), html: join(dir, 'index.html') };
  const sum = (m: Map<string, number>, ...paths: string[]) => paths.reduce((n, p) => n + (m.get(p) ?? 0), 0);
  return { dir, chat, files, reads: () => sum(io.reads, files.json, files.log), written: () => sum(io.written, files.json, files.log), rewrites: (p: string) => sum(io.renames, p) };
}

const reply = (parentTs: string, i: number, text = `r${i}`) => ({ channel: CHANNEL, text, blocks: blocks(i), threadTs: parentTs, idempotencyKey: `digest:2026-11-29:group:g-${i}` });

beforeEach(() => {
  for (const m of Object.values(io)) m.clear();
});

describe('outbox chat file I/O per reply (a digest thread of hundreds of replies)', () => {
  it('reads the channel once and writes O(N) bytes: the snapshot and the preview are rewritten a few times, not once per reply', async () => {
    const s = setup();
    const parent = await s.chat.upsertMessage({ channel: CHANNEL, text: 'parent', blocks: blocks(0), idempotencyKey: 'digest:2026-11-29:parent' });
    for (let i = 0; i < 300; i++) await s.chat.upsertMessage(reply(parent.ts, i));
    s.chat.flush();
    const half = { written: s.written(), json: s.rewrites(s.files.json), html: s.rewrites(s.files.html) };

    for (let i = 300; i < 600; i++) await s.chat.upsertMessage(reply(parent.ts, i));
    s.chat.flush();

    // once when the channel was first used: the snapshot and the log, neither there yet
    expect(s.reads()).toBe(2);
    const finalChars = readFileSync(s.files.json, 'utf8').length;
    // the second 300 replies: the log (once each) and a few snapshot rewrites, not 300 ever larger rewrites
    expect(s.written() - half.written).toBeLessThan(4 * finalChars);
    expect(s.rewrites(s.files.json) - half.json).toBeLessThanOrEqual(4);
    expect(s.rewrites(s.files.html) - half.html).toBeLessThanOrEqual(4);
    expect(s.chat.readAll(CHANNEL)).toHaveLength(601);
  });

  it('edits on a rerun without re-reading the channel, in O(N) bytes', async () => {
    const s = setup();
    const parent = await s.chat.upsertMessage({ channel: CHANNEL, text: 'parent', blocks: blocks(0), idempotencyKey: 'digest:2026-11-29:parent' });
    for (let i = 0; i < 400; i++) await s.chat.upsertMessage(reply(parent.ts, i));
    s.chat.flush();
    const before = { reads: s.reads(), written: s.written() };

    for (let i = 0; i < 400; i++) expect((await s.chat.upsertMessage(reply(parent.ts, i, `edited ${i}`))).created).toBe(false);
    s.chat.flush();

    expect(s.reads() - before.reads).toBe(0);
    expect(s.written() - before.written).toBeLessThan(4 * readFileSync(s.files.json, 'utf8').length);
    expect(s.chat.readAll(CHANNEL).filter((m) => m.text.startsWith('edited'))).toHaveLength(400);
  });

  it('still sees what another writer added to the channel (the proposals job, a person forging a reply)', async () => {
    const s = setup();
    const parent = await s.chat.upsertMessage({ channel: CHANNEL, text: 'parent', blocks: blocks(0), idempotencyKey: 'p' });
    for (let i = 0; i < 200; i++) await s.chat.upsertMessage(reply(parent.ts, i));
    const other = createOutboxChat({ dir: s.dir, clock: fixedClock(Date.UTC(2026, 10, 30)) });

    const approval = other.appendReply(CHANNEL, { threadTs: parent.ts, user: 'U1', text: 'approve abcd1234' });
    const next = await s.chat.upsertMessage(reply(parent.ts, 999));

    expect((await s.chat.listReplies(CHANNEL, parent.ts)).map((m) => m.text).slice(-2)).toEqual(['approve abcd1234', 'r999']);
    expect(next.ts > approval).toBe(true);
    expect(other.readAll(CHANNEL)).toHaveLength(203);
  });
});
