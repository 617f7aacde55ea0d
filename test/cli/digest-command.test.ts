import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OutboxMessage } from '../../src/adapters/chat/outbox/index.js';
import { digestCommand } from '../../src/cli/commands/digest-command.js';
import { scanCommand } from '../../src/cli/commands/scan-command.js';
import type { CliIo } from '../../src/cli/command.js';
import { fixedClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';

const CLOCK_MS = Date.UTC(2026, 10, 30, 6);
const ENV = { FLEETOPS__SIMULATOR__CLUSTERS: '120', FLEETOPS__SCAN__LOOKBACKHOURS: '48', FLEETOPS__LOGLEVEL: 'silent' };

function io(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), env: ENV, clock: fixedClock(CLOCK_MS), logger: silentLogger, isTty: false };
}

const messages = (dir: string): OutboxMessage[] => JSON.parse(readFileSync(join(dir, 'slack', 'fleet-availability.json'), 'utf8'));
const summary = (dir: string) => JSON.parse(readFileSync(join(dir, 'digest', readdirSync(join(dir, 'digest'))[0]), 'utf8')) as { day: string; groups: number; publication: { docUrl: string } };

describe('digest command end to end on the embedded defaults (120 simulated clusters)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'digest-e2e-'));
  const first = io();
  let firstCode = -1;

  beforeAll(async () => {
    expect(await scanCommand.run({ values: { out: dir, full: true }, positionals: [] }, io())).toBe(0);
    firstCode = await digestCommand.run({ values: { out: dir }, positionals: [] }, first);
  }, 300_000);

  it('finds groups, writes the document with every group and posts a parent with one reply per group', () => {
    const s = summary(dir);
    const msgs = messages(dir);
    const parent = msgs.filter((m) => m.metadata?.payload.idempotency_key === `digest:${s.day}:parent`);
    const doc = readFileSync(join(dir, 'docs', `digest_${s.day}.md`), 'utf8');

    expect(firstCode, first.err.join('')).toBe(0);
    expect(s.groups).toBeGreaterThan(0);
    expect(parent).toHaveLength(1);
    const replies = msgs.filter((m) => m.threadTs === parent[0].ts);
    expect(replies).toHaveLength(s.groups);
    for (const r of replies) expect(doc).toContain(`\`${String(r.metadata?.payload.idempotency_key).split(':group:')[1]}\``);
    expect(first.out.join('')).toMatch(/availability-digest \d{4}-\d{2}-\d{2}: \d+ findings → \d+ incident groups/);
  });

  it('edits on a rerun: no new messages, the same document', async () => {
    const before = messages(dir).map((m) => m.ts);
    const again = io();

    const code = await digestCommand.run({ values: { out: dir }, positionals: [] }, again);

    expect(code, again.err.join('')).toBe(0);
    expect(messages(dir).map((m) => m.ts)).toEqual(before);
    expect(again.out.join('')).toContain('(updated)');
    expect(again.out.join('')).toMatch(/0 replies posted, \d+ edited/);
  }, 300_000);

  it('rejects a malformed --day with exit 2 before doing anything', async () => {
    await expect(digestCommand.run({ values: { out: dir, day: '29/11/2026' }, positionals: [] }, io())).rejects.toThrow(/--day: expected a calendar date/);
  });
});
