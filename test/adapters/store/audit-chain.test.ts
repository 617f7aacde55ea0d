import { describe, expect, it } from 'vitest';
import { canonicalJson, computeAuditHash, GENESIS_HASH, verifyAuditChain } from '../../../src/adapters/store/audit-chain.js';
import type { AuditEntry } from '../../../src/adapters/store/types.js';

function chain(n: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (let seq = 1; seq <= n; seq += 1) {
    const linked = { seq, atMs: seq * 10, actor: 'a', action: 'x', subject: `s${seq}`, details: { seq }, prevHash: entries.at(-1)?.hash ?? GENESIS_HASH };
    entries.push({ ...linked, hash: computeAuditHash(linked) });
  }
  return entries;
}

describe('canonicalJson', () => {
  it.each([
    [{ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } }, '{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}'],
    [{ a: undefined, b: 'x' }, '{"b":"x"}'],
    [[undefined, 1], '[null,1]'],
    [{ at: new Date(Date.UTC(2026, 0, 2)), list: [new Date(0)] }, '{"at":"2026-01-02T00:00:00.000Z","list":["1970-01-01T00:00:00.000Z"]}'],
  ])('sorts keys at every level: %j', (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });
});

describe('verifyAuditChain', () => {
  it('accepts an intact chain, an empty one and a segment', () => {
    const entries = chain(5);

    expect(verifyAuditChain(entries)).toEqual({ ok: true });
    expect(verifyAuditChain([])).toEqual({ ok: true });
    expect(verifyAuditChain(entries.slice(2))).toEqual({ ok: true });
  });

  it.each([
    ['a changed field', (e: AuditEntry[]) => { e[2] = { ...e[2], details: { seq: 99 } }; }, 3],
    ['a recomputed hash', (e: AuditEntry[]) => { const m = { ...e[2], actor: 'm' }; e[2] = { ...m, hash: computeAuditHash(m) }; }, 4],
    ['a removed entry', (e: AuditEntry[]) => { e.splice(1, 1); }, 2],
    ['swapped entries', (e: AuditEntry[]) => { [e[1], e[2]] = [e[2], e[1]]; }, 2],
    ['a forged genesis', (e: AuditEntry[]) => { e[0] = { ...e[0], prevHash: 'f'.repeat(64) }; }, 1],
  ])('detects %s', (_name, tamper, brokenAtSeq) => {
    const entries = chain(5);

    tamper(entries);

    expect(verifyAuditChain(entries)).toEqual({ ok: false, brokenAtSeq });
  });
});
