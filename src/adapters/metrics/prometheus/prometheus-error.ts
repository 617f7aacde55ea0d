import { HttpServiceError } from '../../../core/backoff.js';

/** What query limits say when a query is too big (Prometheus, Thanos, Mimir, Cortex, VictoriaMetrics). */
const SIZE_LIMIT = /too many samples|samples limit|maxSamples|exceed|limit|too large|too many (chunks|series)|max(imum)? (number of )?(chunks|series|samples|points)|resolution/i;

/** A failed Prometheus call; `retryAfterMs` comes from the server's Retry-After header. */
export class PrometheusError extends HttpServiceError {
  constructor(message: string, status: number | undefined, retryAfterMs?: number, options?: { cause?: unknown }) {
    super(message, { service: 'prometheus', status }, retryAfterMs, options);
  }

  /**
   * The server refused the query as too big: split it, never retry it (422 is not retryable).
   * Prometheus answers 422 for every execution error, a template's many-to-many matching too; only
   * a size or limit message (Prometheus' samples limit, Thanos/Mimir/Cortex limits) is made smaller.
   * Any other 422 fails the query as it is: splitting it would only repeat the error thousands of times.
   */
  get tooLarge(): boolean {
    return this.details.status === 422 && SIZE_LIMIT.test(this.message);
  }
}
