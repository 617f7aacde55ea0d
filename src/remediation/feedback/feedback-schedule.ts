import type { Store } from '../../adapters/store/types.js';

const DAY_MS = 86_400_000;
/** First read of a subject's reactions, as age since it was posted; each later one doubles it. */
export const FIRST_CHECK_AGE_MS = 10 * 60_000;

/**
 * Ages at which a subject's reactions are read: 10 min, 20 min, 40 min, … doubling, and a last
 * look a day before it leaves the lookback window (half the window when that is under two days).
 * With 14 days: 11 doublings up to 7.1 days, then 13 days; 12 reads in all.
 */
export function checkAgesMs(lookbackMs: number): number[] {
  const lastMs = lookbackMs - Math.min(DAY_MS, lookbackMs / 2);
  const ages: number[] = [];
  for (let age = FIRST_CHECK_AGE_MS; age < lastMs; age *= 2) ages.push(age);
  return [...ages, lastMs];
}

/**
 * The subject's next scheduled read: the first one after it was last read, or its first one when it
 * never was (a backlog is read oldest first). Undefined after the last.
 */
export function nextCheckMs(postedAtMs: number, agesMs: readonly number[], lastReadMs: number | undefined): number | undefined {
  for (const age of agesMs) if (lastReadMs === undefined || postedAtMs + age > lastReadMs) return postedAtMs + age;
  return undefined;
}

// kept beside the proposal contexts in the baselines table: key → when its reactions were last read
const readKey = (subject: string) => `feedback-read:${subject}`;
const NO_STATE = new Uint8Array(0);

/** When each subject's reactions were last read (one query per 500 subjects). */
export async function loadLastReads(store: Store, subjects: readonly string[]): Promise<Map<string, number>> {
  const found = await store.baselines.getMany(subjects.map(readKey));
  const out = new Map<string, number>();
  for (const s of subjects) {
    const e = found.get(readKey(s));
    if (e) out.set(s, e.throughMs);
  }
  return out;
}

/** Records that these subjects' reactions were read at `nowMs` (one transaction). */
export async function saveLastReads(store: Store, subjects: readonly string[], nowMs: number): Promise<void> {
  await store.baselines.putMany(subjects.map((s) => ({ key: readKey(s), state: NO_STATE, throughMs: nowMs, updatedAtMs: nowMs })));
}
