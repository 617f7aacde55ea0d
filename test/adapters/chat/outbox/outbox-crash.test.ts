import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALWAYS_REWRITE_CHARS } from '../../../../src/adapters/chat/outbox/channel-file.js';
import { createOutboxChat } from '../../../../src/adapters/chat/outbox/index.js';
import { fixedClock } from '../../../../src/core/clock.js';

const CHANNEL = '#fleet-availability';
const clock = fixedClock(Date.UTC(2026, 10, 30));
const blocks = (i: number) => [{ type: 'section', text: { type: 'mrkdwn', text: `reply ${i}: ${'evidence '.repeat(300)}` } }];
const reply = (parentTs: string, i: number, text = `r${i}`) => ({ channel: CHANNEL, text, blocks: blocks(i), threadTs: parentTs, idempotencyKey: `digest:2026-11-29:group:g-${i}` });
// past the size where the snapshot is rewritten per change, and halfway to its next rewrite
const REPLIES = Math.ceil((1.5 * ALWAYS_REWRITE_CHARS) / JSON.stringify(blocks(0)).length);

const paths = (dir: string) => ({ json: join(dir, 'fleet-availability.json'), log: join(dir, 'fleet-availability.jsonl') });
const open = (dir: string) => createOutboxChat({ dir, clock });

/** A digest thread large enough that the last replies are in the log, not yet in the snapshot. */
async function thread() {
  const dir = mkdtempSync(join(tmpdir(), 'fleetops-outbox-crash-'));
  const chat = open(dir);
  const parent = await chat.upsertMessage({ channel: CHANNEL, text: 'parent', blocks: blocks(0), idempotencyKey: 'digest:2026-11-29:parent' });
  const ts: string[] = [];
  for (let i = 0; i < REPLIES; i++) ts.push((await chat.upsertMessage(reply(parent.ts, i))).ts);
  return { dir, chat, parent, ts };
}

/** The files as a crash would leave them now (the run's pending flush never happens in the copy). */
function crashCopy(dir: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'fleetops-outbox-crashed-'));
  cpSync(dir, copy, { recursive: true });
  return copy;
}

describe('outbox chat after a crash', () => {
  it('loses no reply reported as posted: the rerun reads them from the log and edits them, adding none', async () => {
    const t = await thread();

    const crashed = crashCopy(t.dir);
    const snapshotOnly = JSON.parse(readFileSync(paths(crashed).json, 'utf8')) as unknown[];
    const rerun = open(crashed);

    expect(snapshotOnly.length).toBeLessThan(REPLIES + 1);
    expect(existsSync(paths(crashed).log)).toBe(true);
    expect(rerun.readAll(CHANNEL).map((m) => m.ts)).toEqual([t.parent.ts, ...t.ts]);
    for (let i = 0; i < REPLIES; i++) expect(await rerun.upsertMessage(reply(t.parent.ts, i, `again ${i}`))).toMatchObject({ created: false, ts: t.ts[i] });
    rerun.flush();
    expect(existsSync(paths(crashed).log)).toBe(false);
    const onDisk = JSON.parse(readFileSync(paths(crashed).json, 'utf8')) as { text: string }[];
    expect(onDisk).toHaveLength(REPLIES + 1);
    expect(onDisk.slice(1).every((m, i) => m.text === `again ${i}`)).toBe(true);
  });

  it('drops a line torn by a crash mid-append (never reported as posted), and appends after it safely', async () => {
    const t = await thread();
    const crashed = crashCopy(t.dir);
    appendFileSync(paths(crashed).log, '{"put":{"channel":"#fleet-availability","ts":"1764460800.9');

    const rerun = open(crashed);
    const added = await rerun.upsertMessage(reply(t.parent.ts, 9999));

    expect(rerun.readAll(CHANNEL)).toHaveLength(REPLIES + 2);
    expect(open(crashed).readAll(CHANNEL).map((m) => m.ts)).toEqual([t.parent.ts, ...t.ts, added.ts]);
  });

  it('ignores a log the snapshot already holds (a crash between rewriting the snapshot and removing the log): edits stay, nothing doubles', async () => {
    const t = await thread();
    const staleLog = readFileSync(paths(t.dir).log, 'utf8');
    await t.chat.upsertMessage(reply(t.parent.ts, REPLIES - 1, 'edited later'));
    t.chat.flush();

    writeFileSync(paths(t.dir).log, staleLog);
    const rerun = open(t.dir);

    expect(rerun.readAll(CHANNEL)).toHaveLength(REPLIES + 1);
    expect(rerun.readAll(CHANNEL).at(-1)?.text).toBe('edited later');
  });

  it('lets a hand edit of the channel file overrule the log (a test forging what Slack returns)', async () => {
    const t = await thread();
    const kept = t.chat.readAll(CHANNEL).filter((m) => m.ts !== t.ts.at(-1));

    writeFileSync(paths(t.dir).json, JSON.stringify(kept));

    expect(t.chat.readAll(CHANNEL).map((m) => m.ts)).toEqual(kept.map((m) => m.ts));
    expect(open(t.dir).readAll(CHANNEL)).toHaveLength(REPLIES);
  });

  it.each([
    ['a log line that is not a change', 'log', 'not json\n', /fleet-availability\.jsonl line \d+: not a change the outbox wrote/],
    ['a channel file that is not JSON', 'json', '[{"ts": ', /fleet-availability\.json: not valid JSON/],
  ] as const)('refuses %s, naming the file', async (_name, which, text, message) => {
    const t = await thread();
    const crashed = crashCopy(t.dir);
    if (which === 'log') {
      const lines = readFileSync(paths(crashed).log, 'utf8').split('\n');
      writeFileSync(paths(crashed).log, [lines[0], text.trim(), ...lines.slice(1)].join('\n'));
    } else writeFileSync(paths(crashed).json, text);

    expect(() => open(crashed).readAll(CHANNEL)).toThrow(message);
  });
});
