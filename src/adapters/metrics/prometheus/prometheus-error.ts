import { HttpServiceError } from '../../../core/backoff.js';

/** A failed Prometheus call; `retryAfterMs` comes from the server's Retry-After header. */
export class PrometheusError extends HttpServiceError {
  constructor(message: string, status: number | undefined, retryAfterMs?: number, options?: { cause?: unknown }) {
    super(message, { service: 'prometheus', status }, retryAfterMs, options);
  }

  /** The server refused the query as too big (422): split it, never retry it (422 is not retryable). */
  get tooLarge(): boolean {
    return this.details.status === 422;
  }
}
