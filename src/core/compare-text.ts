/**
 * Code-unit order (the order of `Array.prototype.sort()` without a comparator), the same on every
 * machine. `localeCompare` without a locale follows the process's ICU default (LANG/LC_ALL), so a
 * CronJob image, CI and a laptop could break ties differently and reorder a published document.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
