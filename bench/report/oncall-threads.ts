/**
 * A week of on-call channel threads for the report benchmark, made from a seed alone: `count` parents
 * spread over the week, each naming an alert and a cluster, with 0-6 replies by other people; about
 * 70% end in a "resolved" reply. Written as the outbox's channel file (a JSON array of messages).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rng } from '../digest/synthetic-day.js';

const PEOPLE = ['UALICE', 'UBOB', 'UCAROL', 'UDAVE', 'UERIN', 'UFRANK', 'UGRACE', 'UHEIDI'];
const MIN = 60_000;

const tsOf = (ms: number, n: number) => `${Math.floor(ms / 1000)}.${String(n).padStart(6, '0')}`;

export interface SeedThreads { count: number; week: { startMs: number; endMs: number }; alertnames: readonly string[]; clusters: readonly string[]; seed: number }

/** Writes `<slackDir>/fleet-oncall.json`; returns the number of messages. */
export function seedOncallThreads(slackDir: string, channel: string, o: SeedThreads): number {
  const next = rng(o.seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
  const messages: Record<string, unknown>[] = [];
  let n = 0;
  for (let i = 0; i < o.count; i++) {
    const atMs = o.week.startMs + Math.floor(((i + next()) / o.count) * (o.week.endMs - o.week.startMs - 12 * 60 * MIN));
    const poster = pick(PEOPLE);
    const ts = tsOf(atMs, ++n);
    messages.push({ channel, ts, user: poster, text: `${pick(o.alertnames)} firing on ${pick(o.clusters)}: investigating` });
    const replies = Math.floor(next() * 7);
    const resolved = next() < 0.7;
    let replyMs = atMs;
    for (let r = 0; r < replies; r++) {
      replyMs += Math.floor((5 + next() * 55) * MIN);
      const last = r === replies - 1;
      const user = pick(PEOPLE.filter((p) => p !== poster));
      messages.push({ channel, ts: tsOf(replyMs, ++n), threadTs: ts, user, text: last && resolved ? 'rolled back the change, resolved' : `looking at ${pick(o.alertnames)}, not resolved yet` });
    }
  }
  mkdirSync(slackDir, { recursive: true });
  writeFileSync(join(slackDir, `${channel.replace(/[^a-zA-Z0-9_-]+/g, '')}.json`), JSON.stringify(messages));
  return messages.length;
}
