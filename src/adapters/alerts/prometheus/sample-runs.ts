/**
 * The distinct sample timestamps of one series, kept as evenly spaced runs: rule evaluation writes
 * one sample per interval while an alert fires, so a week of an always-firing alert is one run
 * (three numbers) instead of 10,080 set entries. Content is exactly the set of timestamps added.
 */

/** `count` timestamps `firstMs, firstMs + spacingMs, …` (spacingMs 0 when count is 1). */
interface Progression { firstMs: number; spacingMs: number; count: number }

const lastOf = (p: Progression) => p.firstMs + p.spacingMs * (p.count - 1);

export class SampleRuns {
  private runs: Progression[] = [];
  /** False once a timestamp was added before the last one: `normalise` then sorts. */
  private ordered = true;

  /** Adds one timestamp (ms); duplicates are kept once. Cheapest in ascending order. */
  add(ms: number): void {
    const p = this.runs.at(-1);
    if (!p) {
      this.runs.push({ firstMs: ms, spacingMs: 0, count: 1 });
      return;
    }
    const last = lastOf(p);
    if (ms === last) return;
    if (ms > last && (p.count === 1 || ms - last === p.spacingMs)) {
      if (p.count === 1) p.spacingMs = ms - p.firstMs;
      p.count += 1;
      return;
    }
    if (ms < last) this.ordered = false;
    this.runs.push({ firstMs: ms, spacingMs: 0, count: 1 });
  }

  /** Sorted, non-overlapping, without duplicates; runs that overlap (out-of-order adds) are rebuilt from their timestamps. */
  private normalise(): Progression[] {
    if (this.ordered) return this.runs;
    const sorted = [...this.runs].sort((a, b) => a.firstMs - b.firstMs || a.count - b.count);
    this.runs = [];
    this.ordered = true;
    for (const p of sorted) {
      const q = this.runs.at(-1);
      // a piece's first sample is often the previous piece's last (read again by the next step)
      const r = q && p.firstMs === lastOf(q) ? { firstMs: p.firstMs + p.spacingMs, spacingMs: p.count > 2 ? p.spacingMs : 0, count: p.count - 1 } : p;
      if (r.count === 0) continue;
      if (q && r.firstMs <= lastOf(q)) return this.rebuild(sorted);
      this.append(r);
    }
    return this.runs;
  }

  private rebuild(runs: readonly Progression[]): Progression[] {
    const all = new Set<number>();
    for (const p of runs) for (let i = 0; i < p.count; i++) all.add(p.firstMs + p.spacingMs * i);
    this.runs = [];
    for (const t of [...all].sort((a, b) => a - b)) this.add(t);
    return this.runs;
  }

  /** Appends a run that starts after the last timestamp, joining it to the last run when the spacing continues. */
  private append(p: Progression): void {
    const q = this.runs.at(-1);
    if (q && q.count > 1 && p.firstMs - lastOf(q) === q.spacingMs && (p.count === 1 || p.spacingMs === q.spacingMs)) q.count += p.count;
    else this.runs.push({ ...p });
  }

  /** Adds every timestamp of `other`. */
  merge(other: SampleRuns): void {
    for (const p of other.normalise()) {
      const q = this.runs.at(-1);
      if (q && p.firstMs <= lastOf(q)) this.ordered = false;
      if (this.ordered) this.append(p);
      else this.runs.push({ ...p });
    }
  }

  get size(): number {
    return this.normalise().reduce((n, p) => n + p.count, 0);
  }

  /** Earliest timestamp; Infinity when empty. */
  earliest(): number {
    return this.normalise()[0]?.firstMs ?? Infinity;
  }

  /** Drops every timestamp at or after `ms`. */
  dropFrom(ms: number): void {
    const kept: Progression[] = [];
    for (const p of this.normalise()) {
      if (p.firstMs >= ms) break;
      const count = p.spacingMs === 0 ? 1 : Math.min(p.count, Math.ceil((ms - p.firstMs) / p.spacingMs));
      kept.push({ ...p, count, spacingMs: count === 1 ? 0 : p.spacingMs });
    }
    this.runs = kept;
  }

  /** Smallest distance between two consecutive timestamps; undefined with fewer than two. */
  smallestSpacing(): number | undefined {
    const runs = this.normalise();
    let min = Infinity;
    runs.forEach((p, i) => {
      if (p.count > 1) min = Math.min(min, p.spacingMs);
      if (i > 0) min = Math.min(min, p.firstMs - lastOf(runs[i - 1]));
    });
    return Number.isFinite(min) ? min : undefined;
  }

  /** Maximal runs `[first, last]` (ms, ascending) whose consecutive timestamps are at most `maxGapMs` apart. */
  episodes(maxGapMs: number): [number, number][] {
    const out: [number, number][] = [];
    for (const p of this.normalise()) {
      if (p.count > 1 && p.spacingMs > maxGapMs) {
        for (let i = 0; i < p.count; i++) this.extend(out, p.firstMs + p.spacingMs * i, p.firstMs + p.spacingMs * i, maxGapMs);
      } else this.extend(out, p.firstMs, lastOf(p), maxGapMs);
    }
    return out;
  }

  /** Calls `fn` with each timestamp, ascending. */
  forEach(fn: (ms: number) => void): void {
    for (const p of this.normalise()) for (let i = 0; i < p.count; i++) fn(p.firstMs + p.spacingMs * i);
  }

  /**
   * The timestamps a range query of `timestamp(<series>)` would answer on the step grid `firstMs,
   * firstMs + stepMs, … lastMs` (multiples of stepMs): at each step the latest sample at or before it,
   * if at most `lookbackMs` older. Read from these raw samples, a sample is answered when the first
   * step at or after it (and not before firstMs) comes before the next sample.
   */
  seenAtSteps(grid: { firstMs: number; lastMs: number; stepMs: number }, lookbackMs: number): SampleRuns {
    const out = new SampleRuns();
    const seen = (t: number, next: number) => {
      const step = Math.max(grid.firstMs, Math.ceil(t / grid.stepMs) * grid.stepMs);
      if (step <= grid.lastMs && step < next && step - t <= lookbackMs) out.add(t);
    };
    let prev: number | undefined;
    this.forEach((t) => {
      if (prev !== undefined) seen(prev, t);
      prev = t;
    });
    if (prev !== undefined) seen(prev, Infinity);
    return out;
  }

  /** First timestamp of the run (consecutive timestamps at most `maxGapMs` apart) that holds `ms`; `ms` itself when it is not held. */
  runStart(ms: number, maxGapMs: number): number {
    return this.episodes(maxGapMs).find(([first, last]) => first <= ms && ms <= last)?.[0] ?? ms;
  }

  private extend(out: [number, number][], from: number, to: number, maxGapMs: number): void {
    const cur = out.at(-1);
    if (cur && from - cur[1] <= maxGapMs) cur[1] = to;
    else out.push([from, to]);
  }
}
