/** Precomputed traffic shape per step of the week, indexed from the Unix epoch (a Thursday, 00:00 UTC). */

const cache = new Map<number, Float64Array>();

/** Load factor (mean ≈ 1) for each step of a week in local time; cached per step size. */
export function seasonTable(stepSeconds: number): Float64Array {
  const hit = cache.get(stepSeconds);
  if (hit) return hit;
  const perDay = 86400 / stepSeconds;
  const table = new Float64Array(perDay * 7);
  for (let i = 0; i < table.length; i++) {
    const day = Math.floor(i / perDay); // 0 = Thursday
    const hour = ((i % perDay) * stepSeconds) / 3600;
    const daily = 1 + 0.38 * Math.sin((2 * Math.PI * (hour - 9)) / 24) + 0.08 * Math.sin((4 * Math.PI * (hour - 11)) / 24);
    const weekend = day === 2 || day === 3 ? 0.78 : 1.04;
    table[i] = daily * weekend;
  }
  cache.set(stepSeconds, table);
  return table;
}
