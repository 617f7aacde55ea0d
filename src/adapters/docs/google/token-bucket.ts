import type { Clock } from '../../../core/clock.js';

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Paces calls under a per-minute quota. */
export interface TokenBucket {
  /** Resolves when one call may go out; sleeps (injected) while the budget is spent. */
  take(): Promise<void>;
}

export interface TokenBucketOptions {
  perMinute: number;
  clock: Clock;
  sleep: Sleep;
}

/** Starts full (a burst of `perMinute`), then refills continuously at `perMinute` per 60 s. */
export function createTokenBucket({ perMinute, clock, sleep }: TokenBucketOptions): TokenBucket {
  const ratePerMs = perMinute / 60_000;
  let tokens = perMinute;
  let lastMs = clock.nowMs();
  const refill = (): void => {
    const now = clock.nowMs();
    tokens = Math.min(perMinute, tokens + (now - lastMs) * ratePerMs);
    lastMs = now;
  };
  return {
    async take() {
      refill();
      while (tokens < 1) {
        await sleep(Math.ceil((1 - tokens) / ratePerMs));
        refill();
      }
      tokens -= 1;
    },
  };
}
