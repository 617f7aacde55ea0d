import { expect } from 'vitest';
import type { Store } from '../../../src/adapters/store/types.js';
import { ExternalServiceError, FleetopsError } from '../../../src/core/errors.js';
import type { StoreContext } from './store-suite.js';

/** One store call, as the refusal tables list them. */
export type Call = (s: Store) => Promise<unknown>;

/** The error a store call was refused with: fleetops' own check, never the database's error. */
export async function failure(promise: Promise<unknown>): Promise<Error> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(FleetopsError);
  // a check before writing, not the database's own error (which only PostgreSQL raised)
  expect(err).not.toBeInstanceOf(ExternalServiceError);
  return err as Error;
}

/** Rows in a table, read past the store. */
export async function count(ctx: StoreContext, table: string): Promise<number> {
  const [row] = await ctx.harness.raw(ctx.target, `SELECT COUNT(*) AS n FROM ${table}`);
  return Number(row.n);
}
