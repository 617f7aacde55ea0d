import { HttpServiceError } from '../../../core/backoff.js';

/** What query limits say when a query is too big (Prometheus, Thanos, Mimir, Cortex, VictoriaMetrics). */
const SIZE_LIMIT = /too many samples|samples limit|maxSamples|exceed|limit|too large|too many (chunks|series)|max(imum)? (number of )?(chunks|series|samples|points)|resolution/i;

const PER_SERIES_POINTS = /resolution|points per (time ?)?series|maxPointsPerTimeseries|too many points/i;

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

  /**
   * The limit is on points per series (Prometheus' 11,000-point resolution, VictoriaMetrics'
   * maxPointsPerTimeseries): fewer clusters cannot help, a shorter range does.
   */
  get tooManyPointsPerSeries(): boolean {
    return this.tooLarge && PER_SERIES_POINTS.test(this.message);
  }
}
