/**
 * A circuit breaker for one backend, so a run does not spend minutes retrying every call against a
 * server that is down: a fleet scan makes ~500 queries, each with its own retries and backoff, and
 * against a refused connection that took 5 min 37 s before the run could report anything.
 *
 * After `threshold` consecutive calls failed with a retryable error (network, timeout, 429, 5xx)
 * even after their own retries, the breaker opens and calls fail at once, naming the last error.
 * After `cooldownMs` one call is let through (half-open): an answer closes the breaker, a failure
 * opens it for another cooldown. Any answer from the server, even an error status that is not
 * retried (400, 422), counts as the server being up.
 */
import { ExternalServiceError } from './errors.js';

/** A call the breaker skipped: not retried, and not counted as the server failing again. */
export class CircuitOpenError extends ExternalServiceError {}

export interface CircuitBreakerOptions {
  /** Consecutive failed calls that open the breaker (0 disables it). */
  threshold: number;
  cooldownMs: number;
  nowMs: () => number;
  /** Names the backend in the error of a skipped call ("Prometheus at https://…"). */
  describe: string;
  service: string;
}

export class CircuitBreaker {
  private failures = 0;
  private openedAtMs = -Infinity;
  private probing = false;
  private lastError = '';

  constructor(private readonly opts: CircuitBreakerOptions) {}

  /** Whether calls are being skipped now. */
  get open(): boolean {
    return this.opts.threshold > 0 && this.failures >= this.opts.threshold;
  }

  /**
   * Call before each attempt: throws a non-retryable error while the breaker is open; once the
   * cooldown has passed it lets one probe through (the caller must then report success or failure).
   */
  check(): void {
    if (!this.open) return;
    const now = this.opts.nowMs();
    if (!this.probing && now - this.openedAtMs >= this.opts.cooldownMs) {
      this.probing = true;
      return;
    }
    // the same words for every skipped call (no counts or times), so a report can group them
    throw new CircuitOpenError(`${this.opts.describe} is not answering (${this.lastError}): call skipped, tried again after ${Math.round(this.opts.cooldownMs / 1000)} s`, { service: this.opts.service, retryable: false });
  }

  /** The server answered (whatever the status): close the breaker. */
  success(): void {
    this.failures = 0;
    this.probing = false;
  }

  /**
   * A call ended with `err`: one that says the server is down or overloaded (retryable) counts
   * towards opening the breaker, any other (the server answered and refused the request) closes it.
   * Returns true when this failure opened the breaker.
   */
  failure(err: unknown): boolean {
    if (err instanceof CircuitOpenError) return false;
    if (!(err instanceof ExternalServiceError && err.details.retryable === true)) {
      this.success();
      return false;
    }
    const wasOpen = this.open;
    this.lastError = err.message;
    this.failures++;
    this.probing = false;
    if (!this.open) return false;
    this.openedAtMs = this.opts.nowMs();
    return !wasOpen;
  }
}
