import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_WEEK_FILE, keepDemoStorePerWeek } from '../../src/cli/commands/demo-store.js';

const SQLITE = { kind: 'sqlite', sqlitePath: 'fleetops.db' };
const MONDAY = '2026-11-30T00:00:00.000Z';
const TUESDAY = '2026-12-01T00:00:00.000Z';

describe('keepDemoStorePerWeek', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const fresh = () => (dir = mkdtempSync(join(tmpdir(), 'demo-store-')));
  const week = () => JSON.parse(readFileSync(join(dir, DEMO_WEEK_FILE), 'utf8')) as { simulatedEnd: string };

  it('moves the store of a demo of another simulated week aside, with its WAL, so the demo starts fresh', () => {
    fresh();
    keepDemoStorePerWeek(dir, SQLITE, MONDAY);
    writeFileSync(join(dir, 'fleetops.db'), 'monday rows');
    writeFileSync(join(dir, 'fleetops.db-wal'), 'monday wal');

    const note = keepDemoStorePerWeek(dir, SQLITE, TUESDAY);

    // before: the next day's demo wrote into the same store, whose rows for the same dates came from another simulation
    expect(existsSync(join(dir, 'fleetops.db'))).toBe(false);
    expect(readFileSync(join(dir, 'fleetops.2026-11-30.db'), 'utf8')).toBe('monday rows');
    expect(readFileSync(join(dir, 'fleetops.2026-11-30.db-wal'), 'utf8')).toBe('monday wal');
    expect(note).toMatch(/^New simulated week \(to 2026-12-01T00:00:00.000Z\): the store of the demo of the week to 2026-11-30T00:00:00.000Z was moved to .*fleetops\.2026-11-30\.db\.$/);
    expect(week().simulatedEnd).toBe(TUESDAY);
  });

  it('keeps the store of the same simulated week (a rerun shows what a rerun does)', () => {
    fresh();
    keepDemoStorePerWeek(dir, SQLITE, TUESDAY);
    writeFileSync(join(dir, 'fleetops.db'), 'rows');

    expect(keepDemoStorePerWeek(dir, SQLITE, TUESDAY)).toBeUndefined();
    expect(readFileSync(join(dir, 'fleetops.db'), 'utf8')).toBe('rows');
  });

  it.each([
    ['a PostgreSQL store', { kind: 'postgres', sqlitePath: 'fleetops.db' }],
    ['a SQLite file outside the output folder', { kind: 'sqlite', sqlitePath: '/var/lib/fleetops/fleetops.db' }],
  ])('only warns for %s: it is not the demo\'s to move', (_name, store) => {
    fresh();
    keepDemoStorePerWeek(dir, store, MONDAY);
    writeFileSync(join(dir, 'fleetops.db'), 'rows');

    const note = keepDemoStorePerWeek(dir, store, TUESDAY);

    expect(note).toMatch(/^Warning: the store holds the demo of another simulated week \(to 2026-11-30T00:00:00.000Z\)/);
    expect(readFileSync(join(dir, 'fleetops.db'), 'utf8')).toBe('rows');
  });

  it('warns, and moves nothing, for a store no demo noted (an older demo, or the user\'s own runs)', () => {
    fresh();
    writeFileSync(join(dir, 'fleetops.db'), 'rows');

    expect(keepDemoStorePerWeek(dir, SQLITE, TUESDAY)).toMatch(/^Warning: .*fleetops\.db was not written by a demo of this week/);
    expect(readFileSync(join(dir, 'fleetops.db'), 'utf8')).toBe('rows');
    expect(keepDemoStorePerWeek(dir, SQLITE, TUESDAY)).toBeUndefined();
  });

  it('reads a damaged note as no note', () => {
    fresh();
    writeFileSync(join(dir, DEMO_WEEK_FILE), '{not json');

    expect(keepDemoStorePerWeek(dir, SQLITE, TUESDAY)).toBeUndefined();
    expect(week().simulatedEnd).toBe(TUESDAY);
  });
});
