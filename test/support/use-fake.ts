/** The lifecycle every local SaaS fake shares in a test file. */
import { afterEach, beforeEach, expect } from 'vitest';

export interface LocalFake {
  /** Requests the fake does not serve: a test fails if any arrived. */
  readonly unexpected: readonly unknown[];
  close(): Promise<void>;
}

/**
 * A fresh fake before each test (handed to `use`), checked for unexpected requests and closed after
 * it, and a fresh list for the backoff sleeps the adapter under test records.
 */
export function useFake<F extends LocalFake>(start: () => Promise<F>, use: (fake: F, sleeps: number[]) => void): void {
  let current: F | undefined;
  beforeEach(async () => {
    current = await start();
    use(current, []);
  });
  afterEach(async () => {
    expect(current?.unexpected).toEqual([]);
    await current?.close();
  });
}
