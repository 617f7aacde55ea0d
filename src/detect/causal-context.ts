/**
 * Context novelty for the causal score (after CAD OSE): the value is cut into `levels` bands of the
 * range seen so far, and each run of three consecutive bands is a context; a context never seen
 * before is news however small the step. Seen contexts are bits (levels³ of them, 64 at 4 levels)
 * in 32-bit words, so the state is a few entries and the work per point is a shift and a mask.
 */

const CONTEXT = 3;

export class ContextNovelty {
  private readonly levels: number;
  private readonly seen: Int32Array;
  /** The previous two bands (-1 until seen). */
  private p1 = -1;
  private p2 = -1;

  constructor(levels: number) {
    if (!ContextNovelty.validLevels(levels)) throw new Error(`CausalScorer contextLevels must be an integer in 2..8, got ${levels}`);
    this.levels = levels;
    this.seen = new Int32Array(ContextNovelty.sizeFor(levels) - 2);
  }

  static validLevels(levels: number): boolean {
    return Number.isInteger(levels) && levels >= 2 && levels <= 8;
  }

  /** Entries writeTo() writes for `levels` bands: the seen words and the two previous bands. */
  static sizeFor(levels: number): number {
    return Math.ceil(levels ** CONTEXT / 32) + 2;
  }

  get size(): number {
    return ContextNovelty.sizeFor(this.levels);
  }

  writeTo(out: Float64Array, at: number): void {
    for (let i = 0; i < this.seen.length; i++) out[at + i] = this.seen[i];
    out[at + this.seen.length] = this.p1;
    out[at + this.seen.length + 1] = this.p2;
  }

  readFrom(state: Float64Array, at: number): void {
    for (let i = 0; i < this.seen.length; i++) this.seen[i] = state[at + i];
    this.p1 = state[at + this.seen.length];
    this.p2 = state[at + this.seen.length + 1];
  }

  /** The band (0 … levels − 1) of a position u in the range seen ([0, 1] inside it). */
  band(u: number): number {
    const L = this.levels;
    return u <= 0 ? 0 : u >= 1 ? L - 1 : (u * L) | 0;
  }

  /**
   * Feeds a value's band (from band()); true when its context is new. An integer, not the position:
   * a double passed to a call that is not inlined is boxed, one heap number per sample.
   */
  push(band: number): boolean {
    const L = this.levels;
    const p2 = this.p2;
    const p1 = this.p1;
    this.p2 = p1;
    this.p1 = band;
    if (p2 < 0) return false;
    const key = (p2 * L + p1) * L + band;
    const w = key >>> 5;
    const bit = 1 << (key & 31);
    const mask = this.seen[w];
    if ((mask & bit) !== 0) return false;
    this.seen[w] = mask | bit;
    return true;
  }
}
