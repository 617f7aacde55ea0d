/**
 * One proposals-job run in its own process, for the race and kill tests:
 *   node --import tsx reconciler-child.ts <sqlite|postgres> <path-or-url> <outboxDir> <logFile> <stepDelayMs> <nowMs> <runId>
 * Executes with the recording ClusterOps (each step appended to logFile with this pid); the symptom stays
 * `pending`, so whichever process verifies leaves the proposal verifying. Prints the summary last.
 */
import { fixedClock } from '../../../src/core/clock.js';
import { createWorld, openStore, runProposalsJob } from '../proposals/harness.js';

async function main(): Promise<void> {
  const [kind, at, outboxDir, logFile, delay, nowMs, runId] = process.argv.slice(2);
  const store = await openStore({ kind: kind as 'sqlite' | 'postgres', at });
  const world = await createWorld({ store, outboxDir, clock: fixedClock(Number(nowMs)), ops: { stepDelayMs: Number(delay), logFile }, verify: ['pending'] });
  const { summary, failures } = await runProposalsJob(world, 0, runId);
  await store.close();
  process.stdout.write(`${JSON.stringify({ summary, failures })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
