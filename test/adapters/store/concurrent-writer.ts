/**
 * One of several processes hammering the same store, for the store suite:
 *   node --import tsx test/adapters/store/concurrent-writer.ts <sqlite|postgres> <path-or-url> <writerId> <n>
 * Migrates, then n times: appends an audit entry, upserts its own anomaly and (for the first CLAIMS
 * rounds) inserts-or-ignores a shared proposal and races to claim it. Prints {"won":[ids]} last.
 */
import { createStore } from '../../../src/adapters/store/index.js';
import { anomaly, CLAIMS, proposal, T0 } from './fixtures.js';

async function main(): Promise<void> {
  const [kind, target, writerId, nText] = process.argv.slice(2);
  const store = kind === 'postgres'
    ? await createStore({ kind: 'postgres', url: target, poolSize: 2 })
    : await createStore({ kind: 'sqlite', path: target });
  await store.migrate();
  const won: string[] = [];
  for (let i = 0; i < Number(nText); i += 1) {
    await store.audit.append({ atMs: T0 + i, actor: writerId, action: 'write', subject: `${writerId}-${i}`, details: { i } });
    await store.anomalies.upsertMany([anomaly(`${writerId}-${i}`, { runId: writerId })]);
    if (i < CLAIMS) {
      await store.proposals.insert(proposal(`claim-${i}`));
      const claimed = await store.proposals.transition(`claim-${i}`, ['approved'], 'executing', { checkpoint: { by: writerId } });
      if (claimed) won.push(claimed.id);
    }
  }
  await store.close();
  process.stdout.write(`${JSON.stringify({ won })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
