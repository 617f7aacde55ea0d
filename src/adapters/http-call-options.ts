import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';

/** What every HTTP adapter takes for its calls: retry policy, logger, clock, and test seams. */
export interface HttpCallOptions {
  /** Retries of one call on 429, 5xx and network errors (never on other 4xx). */
  retries?: number;
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  logger: Logger;
  clock: Clock;
  fetch?: typeof fetch;
  /** Injected for tests; default setTimeout, aborted with the signal. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}
