import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../../src/adapters/store/audit-chain.js';
import type { Store } from '../../../src/adapters/store/types.js';
import { CLAIMS } from './fixtures.js';
import type { StoreContext } from './store-suite.js';

const WRITER = fileURLToPath(new URL('./concurrent-writer.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const N = 200;

function runWriter(kind: string, target: string, writerId: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, kind, target, writerId, String(N)], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`writer ${writerId} exited ${code}: ${stderr}`));
      resolve((JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { won: string[] }).won);
    });
  });
}

export function registerConcurrencyTests(ctx: StoreContext, opened: Store[]): void {
  describe('concurrency', () => {
    it('migrates safely when two store instances migrate one database at once', async () => {
      const target = await ctx.harness.newTarget();
      const a = await ctx.harness.open(target);
      const b = await ctx.harness.open(target);
      opened.push(a, b);

      await Promise.all([a.migrate(), b.migrate()]);

      const rows = await ctx.harness.raw(target, 'SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => Number(r.version))).toEqual([1, 2, 3, 4]);
      expect(await a.proposals.list({})).toEqual([]);
    });

    it('two processes write concurrently without lost updates, forks or double claims', async () => {
      const target = await ctx.harness.newTarget();

      const [wonA, wonB] = await Promise.all([
        runWriter(ctx.harness.kind, target, 'w1'),
        runWriter(ctx.harness.kind, target, 'w2'),
      ]);

      const store = await ctx.harness.open(target);
      opened.push(store);
      const audit = await store.audit.list({});
      expect(audit).toHaveLength(2 * N);
      expect(audit.map((e) => e.seq)).toEqual(Array.from({ length: 2 * N }, (_, i) => i + 1));
      expect(verifyAuditChain(audit)).toEqual({ ok: true });
      expect(new Set(audit.map((e) => e.subject)).size).toBe(2 * N);
      expect(await store.anomalies.list({ startMs: 0, endMs: Number.MAX_SAFE_INTEGER })).toHaveLength(2 * N);
      expect([...wonA, ...wonB].sort()).toEqual(Array.from({ length: CLAIMS }, (_, i) => `claim-${i}`).sort());
      const claimed = await store.proposals.list({ states: ['executing'] });
      const byWinner = new Map(claimed.map((p) => [p.id, p.checkpoint?.by]));
      for (const id of wonA) expect(byWinner.get(id)).toBe('w1');
      for (const id of wonB) expect(byWinner.get(id)).toBe('w2');
    }, 120_000);
  });
}
