import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../../src/adapters/store/audit-chain.js';
import { auditExport, auditVerify, parseSince } from '../../../src/cli/commands/audit-commands.js';
import type { CliIo } from '../../../src/cli/command.js';
import { parseCommandArgs } from '../../../src/cli/parse-args.js';
import { fixedClock } from '../../../src/core/clock.js';
import { ConfigError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/logger.js';
import { auditOnce } from '../../../src/remediation/audit/audit-once.js';
import { exportAuditLines, postDailyAuditHead, verifyAuditLog } from '../../../src/remediation/audit/audit-log-tools.js';
import { createOutbox, openStore, T0, tempDir } from '../proposals/harness.js';

async function seeded(path = ':memory:') {
  const store = await openStore({ kind: 'sqlite', at: path });
  for (let i = 0; i < 5; i += 1) await store.audit.append({ atMs: T0 + i * 60_000, actor: 'fleetops', action: 'test', subject: `s${i}`, details: { i } });
  return store;
}

function io(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, clock: fixedClock(T0), logger: silentLogger, isTty: false };
}

describe('audit tools', () => {
  it('verifies an intact chain and finds a rewritten entry', async () => {
    const dir = tempDir();
    const path = join(dir, 'fleetops.db');
    const store = await seeded(path);
    expect(await verifyAuditLog(store)).toMatchObject({ ok: true, entries: 5, head: { seq: 5 } });
    await store.close();
    const raw = new Database(path);
    raw.exec('DROP TRIGGER audit_no_update');
    raw.prepare(`UPDATE audit SET details = '{"i":99}' WHERE seq = 3`).run();
    raw.close();

    const tampered = await openStore({ kind: 'sqlite', at: path });

    expect(await verifyAuditLog(tampered)).toMatchObject({ ok: false, brokenAtSeq: 3 });
  });

  it('exports entries since a time as JSON lines that verify as a segment', async () => {
    const store = await seeded();

    const lines = await exportAuditLines(store, T0 + 2 * 60_000);

    const entries = lines.map((l) => JSON.parse(l));
    expect(entries.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(verifyAuditChain(entries)).toEqual({ ok: true });
  });

  it('audits a key once', async () => {
    const store = await openStore();

    const results = [await auditOnce(store, 'k', { atMs: T0, actor: 'a', action: 'x', subject: 's', details: {} }), await auditOnce(store, 'k', { atMs: T0, actor: 'a', action: 'x', subject: 's', details: {} })];

    expect(results).toEqual([true, false]);
    expect(await store.audit.list({})).toHaveLength(1);
  });

  it('posts the chain head once per day with its hash', async () => {
    const store = await seeded();
    const clock = fixedClock(T0);
    const chat = createOutbox(tempDir(), clock);

    const posted = [await postDailyAuditHead({ store, chat, channel: '#audit', clock }), await postDailyAuditHead({ store, chat, channel: '#audit', clock })];

    expect(posted).toEqual([true, false]);
    const [msg] = chat.readAll('#audit');
    expect(msg.text).toContain((await store.audit.head())!.hash);
  });
});

describe('audit commands', () => {
  it('audit verify exits 0 on an intact chain and 1 on a broken one; export prints JSON lines', async () => {
    const dir = tempDir();
    const store = await seeded(join(dir, 'fleetops.db'));
    await store.close();
    const args = (extra: string[]) => parseCommandArgs(['--out', dir, ...extra], auditExport.options);

    const okIo = io();
    expect(await auditVerify.run(args([]), okIo)).toBe(0);
    const exportIo = io();
    expect(await auditExport.run(args(['--since', new Date(T0 + 4 * 60_000).toISOString()]), exportIo)).toBe(0);
    const raw = new Database(join(dir, 'fleetops.db'));
    raw.exec('DROP TRIGGER audit_no_delete');
    raw.prepare('DELETE FROM audit WHERE seq = 2').run();
    raw.close();
    const badIo = io();

    expect(okIo.out.join('')).toMatch(/audit chain ok: 5 entries/);
    expect(exportIo.out.join('').trim().split('\n').map((l) => JSON.parse(l).seq)).toEqual([5]);
    expect(await auditVerify.run(args([]), badIo)).toBe(1);
    expect(badIo.err.join('')).toMatch(/BROKEN at seq 2/);
  });

  it.each([undefined, 'yesterday', '12345'])('audit export --since %j is a usage error', (since) => {
    expect(() => parseSince(since)).toThrow(ConfigError);
  });
});
