/**
 * SampleRuns keeps a series' sample timestamps as evenly spaced runs: its content, spacing and
 * episodes must be those of the plain set of timestamps it replaced, whatever the order of the adds.
 */
import { describe, expect, it } from 'vitest';
import { SampleRuns } from '../../../src/adapters/alerts/prometheus/sample-runs.js';
import { seededRandom as rng } from '../../reporting/slack/fuzz-text.js';

const M = 60_000;

/** The set-based answers SampleRuns must give. */
function plain(ts: readonly number[], maxGapMs: number) {
  const sorted = [...new Set(ts)].sort((a, b) => a - b);
  const spacing = sorted.slice(1).reduce((m, t, i) => Math.min(m, t - sorted[i]), Infinity);
  const episodes: [number, number][] = [];
  for (const t of sorted) {
    const cur = episodes.at(-1);
    if (cur && t - cur[1] <= maxGapMs) cur[1] = t;
    else episodes.push([t, t]);
  }
  return { size: sorted.length, earliest: sorted[0] ?? Infinity, spacing: Number.isFinite(spacing) ? spacing : undefined, episodes };
}

const view = (r: SampleRuns, maxGapMs: number) => ({ size: r.size, earliest: r.earliest(), spacing: r.smallestSpacing(), episodes: r.episodes(maxGapMs) });

/** Firing minutes as rule evaluation writes them, read at a 60 s step: runs, gaps, a missed evaluation, a 5-minute rule, repeats at piece edges. */
function samples(next: () => number): number[] {
  const out: number[] = [];
  let t = 13_000 + Math.floor(next() * 1000) * M;
  for (let run = 0; run < 12; run++) {
    const every = next() < 0.2 ? 5 * M : M;
    const n = 1 + Math.floor(next() * 40);
    for (let i = 0; i < n; i++) {
      out.push(t);
      if (next() < 0.1) out.push(t); // the same sample seen by two steps
      t += every * (next() < 0.05 ? 2 : 1);
    }
    t += Math.floor(next() * 30) * M;
  }
  return out;
}

describe('SampleRuns', () => {
  it.each(Array.from({ length: 40 }, (_, i) => i + 1))('matches the plain set for random pieces added in any order (seed %i)', (seed) => {
    const next = rng(seed);
    const ts = samples(next);
    // pieces as the adapter reads them: forward pieces, then look-back spans merged in from earlier times
    const cut = Math.floor(next() * ts.length);
    const runs = new SampleRuns();
    for (const t of ts.slice(cut)) runs.add(t);
    const earlier = new SampleRuns();
    for (const t of ts.slice(0, cut + (next() < 0.5 ? 1 : 0))) earlier.add(t);

    runs.merge(earlier);

    for (const gap of [1.5 * M, 7.5 * M]) expect(view(runs, gap)).toEqual(plain(ts, gap));
  });

  it('holds an always-firing week read a minute at a time as one run', () => {
    const runs = new SampleRuns();

    for (let i = 0; i < 10_081; i++) runs.add(13_000 + i * M);

    expect(runs.size).toBe(10_081);
    expect(runs.episodes(1.5 * M)).toEqual([[13_000, 13_000 + 10_080 * M]]);
    expect(JSON.stringify(runs).length).toBeLessThan(200);
  });

  it('adds in random order, duplicates kept once', () => {
    const next = rng(7);
    const ts = samples(next);
    const shuffled = [...ts, ...ts].sort(() => next() - 0.5);
    const runs = new SampleRuns();

    for (const t of shuffled) runs.add(t);

    expect(view(runs, 1.5 * M)).toEqual(plain(ts, 1.5 * M));
  });

  it.each([
    ['drops from the middle of a run', [0, 1, 2, 3, 4], 2.5, [0, 1, 2]],
    ['drops a whole run', [0, 1, 2, 10, 11], 10, [0, 1, 2]],
    ['keeps all when nothing is at or after', [0, 1, 2], 5, [0, 1, 2]],
    ['drops a run of one', [0, 7], 7, [0]],
  ])('dropFrom %s', (_name, minutes, fromMinute, kept) => {
    const runs = new SampleRuns();
    for (const m of minutes) runs.add(m * M);

    runs.dropFrom(fromMinute * M);

    expect(runs.size).toBe(kept.length);
    expect(runs.episodes(0.5 * M).map(([a]) => a / M)).toEqual(kept);
  });

  it.each(Array.from({ length: 30 }, (_, i) => [i + 1, [15_000, 60_000, 300_000, 600_000][i % 4]]))('keeps the samples timestamp() answers on the step grid (seed %i, step %i ms)', (seed, stepMs) => {
    const next = rng(seed);
    // raw samples at an offset from the grid, some 30 s apart (more than one per step)
    const raw = samples(next).flatMap((t) => (next() < 0.3 ? [t, t + 30_000] : [t]));
    const firstMs = Math.ceil((Math.min(...raw) + 20 * M) / stepMs) * stepMs;
    const lastMs = firstMs + Math.floor(((Math.max(...raw) - firstMs) * 0.8) / stepMs) * stepMs;
    const runs = new SampleRuns();
    for (const t of raw) runs.add(t);
    // what the range query answers: at each step, the latest sample at or before it, if at most 5 minutes old
    const sorted = [...new Set(raw)].sort((a, b) => a - b);
    const answered = new Set<number>();
    for (let t = firstMs; t <= lastMs; t += stepMs) {
      const latest = sorted.filter((x) => x <= t).at(-1);
      if (latest !== undefined && t - latest <= 5 * M) answered.add(latest);
    }

    const seen = runs.seenAtSteps({ firstMs, lastMs, stepMs }, 5 * M);

    const out: number[] = [];
    seen.forEach((t) => out.push(t));
    expect(out).toEqual([...answered].sort((a, b) => a - b));
  });

  it('finds the start of the run that holds a timestamp', () => {
    const runs = new SampleRuns();
    for (const m of [0, 1, 2, 10, 11, 12, 13]) runs.add(m * M);

    expect(runs.runStart(12 * M, 1.5 * M)).toBe(10 * M);
    expect(runs.runStart(12 * M, 9 * M)).toBe(0);
    expect(runs.runStart(2 * M, 1.5 * M)).toBe(0);
  });
});
