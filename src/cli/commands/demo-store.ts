/**
 * The demo simulates the week ending today, so a demo run on another day simulates other data for the
 * same dates: in one store the two mix (two groups for one silent cluster, evidence of one week cited
 * for the other's incidents). The demo therefore keeps its store per simulated week.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';

/** Where the demo notes the simulated week its store holds. */
export const DEMO_WEEK_FILE = 'demo-week.json';

/**
 * Before a demo of the week ending `endIso`: when the last demo in `outDir` simulated another week and
 * the store is the embedded SQLite file in `outDir`, that file (with its -wal and -shm) is moved aside
 * as `<name>.<its end day>.db`, so this demo starts fresh; any other store is left alone with a
 * warning. Returns what was done, for the summary (undefined: nothing to say).
 */
export function keepDemoStorePerWeek(outDir: string, store: { kind: string; sqlitePath: string }, endIso: string): string | undefined {
  const marker = join(outDir, DEMO_WEEK_FILE);
  const previous = readWeek(marker);
  const path = store.kind === 'sqlite' ? (isAbsolute(store.sqlitePath) ? store.sqlitePath : join(outDir, store.sqlitePath)) : undefined;
  const inOutDir = path !== undefined && !relative(outDir, path).startsWith('..');
  let note: string | undefined;
  if (previous !== undefined && previous !== endIso) {
    if (inOutDir && existsSync(path)) {
      const aside = `${path.replace(/\.db$/, '')}.${previous.slice(0, 10)}.db`;
      for (const suffix of ['', '-wal', '-shm']) if (existsSync(path + suffix)) renameSync(path + suffix, aside + suffix);
      note = `New simulated week (to ${endIso}): the store of the demo of the week to ${previous} was moved to ${relative(process.cwd(), aside) || aside}.`;
    } else {
      note = `Warning: the store holds the demo of another simulated week (to ${previous}); its rows for the same dates differ from this week's. Use --out with a new folder for a clean demo.`;
    }
  } else if (previous === undefined && path !== undefined && existsSync(path)) {
    note = `Warning: ${relative(process.cwd(), path) || path} was not written by a demo of this week (to ${endIso}); if it holds another day's demo, its rows for the same dates differ from this week's. Use --out with a new folder for a clean demo.`;
  }
  writeFileSync(marker, `${JSON.stringify({ simulatedEnd: endIso })}\n`);
  return note;
}

function readWeek(marker: string): string | undefined {
  if (!existsSync(marker)) return undefined;
  try {
    const end = (JSON.parse(readFileSync(marker, 'utf8')) as { simulatedEnd?: unknown }).simulatedEnd;
    return typeof end === 'string' ? end : undefined;
  } catch {
    // a damaged marker says nothing about the store: as if absent
    return undefined;
  }
}
