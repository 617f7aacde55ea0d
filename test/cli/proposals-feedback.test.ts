import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStore } from '../../src/adapters/store/index.js';
import { runCli } from './run-cli.js';

const DAY = '2026-11-29';
const env = { FLEETOPS__SIMULATOR__CLUSTERS: '20', FLEETOPS__SIMULATOR__ENDTIME: '2026-11-30T06:00:00.000Z' };

/** An out/ folder as the digest leaves it: incident, RCA, publication records and the outbox thread. */
async function digestLeftovers(reactions: { name: string; users: string[]; count: number }[]) {
  const out = mkdtempSync(join(tmpdir(), 'fleetops-feedback-'));
  const store = await createStore({ kind: 'sqlite', path: join(out, 'fleetops.db') });
  await store.migrate();
  const at = Date.UTC(2026, 10, 29, 12);
  await store.incidents.upsert({ id: 'ig-1', runId: 'r', day: DAY, title: 't', startMs: at, endMs: at + 3_600_000, clusters: ['c-1'], anomalyIds: [], attributes: {} });
  await store.rcas.upsert({ groupId: 'ig-1', runId: 'r', engine: 'template', verdict: 'root-cause', body: { rca: { signature: 'sig-coredns-bad-version' } }, createdAtMs: at });
  const pub = (key: string, ts: string) => store.publications.put({ key, sink: 'chat', externalId: `#fleet-availability:${ts}`, contentHash: 'x', updatedAtMs: at });
  await pub(`digest:${DAY}:parent`, '1796000000.000001');
  await pub(`digest:${DAY}:group:ig-1`, '1796000000.000002');
  await store.close();
  mkdirSync(join(out, 'slack'));
  writeFileSync(join(out, 'slack', 'fleet-availability.json'), JSON.stringify([
    { channel: '#fleet-availability', ts: '1796000000.000001', text: 'digest', botId: 'B1' },
    { channel: '#fleet-availability', ts: '1796000000.000002', threadTs: '1796000000.000001', text: 'rca', botId: 'B1', reactions },
  ]));
  writeFileSync(join(out, 'slack', 'directory.json'), JSON.stringify({
    users: [{ id: 'UALICE', isBot: false, deleted: false, isFullMember: true }, { id: 'UGUEST', isBot: false, deleted: false, isFullMember: false }],
  }));
  return out;
}

describe('proposals job: feedback on the digest RCA replies', () => {
  it('records 👍/👎 of full members once, keyed by the incident signature', async () => {
    const out = await digestLeftovers([{ name: '+1', users: ['UALICE', 'UGUEST'], count: 2 }, { name: 'eyes', users: ['UALICE'], count: 1 }]);

    const first = await runCli(['proposals', '--out', out], env);
    const second = await runCli(['proposals', '--out', out], env);
    const store = await createStore({ kind: 'sqlite', path: join(out, 'fleetops.db') });
    const rows = await store.feedback.listBySignature('sig-coredns-bad-version');
    await store.close();

    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    expect(rows.map((r) => [r.subjectKind, r.subjectId, r.userId, r.value])).toEqual([['rca', 'ig-1', 'UALICE', 1]]);
    expect(first.stdout).toContain('feedback=1');
    expect(second.stdout).toContain('feedback=0');
    expect(second.stdout).toContain('threads read=0 unchanged=0');
  });
});
