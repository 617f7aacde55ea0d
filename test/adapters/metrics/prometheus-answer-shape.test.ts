import { describe, expect, it } from 'vitest';
import { createRawClient } from '../../../src/adapters/alerts/prometheus/raw-client.js';
import { decodeMatrix } from '../../../src/adapters/metrics/prometheus/lean-client.js';
import type { HttpPost } from '../../../src/adapters/metrics/prometheus/http-post.js';
import { fixedClock } from '../../../src/core/clock.js';
import { ExternalServiceError } from '../../../src/core/errors.js';

/** zod's own wording, which no error may show. */
const RAW = /Invalid option|Invalid input|Too small|Too big|Unrecognized key|received/;

const Q = { promql: 'up', startMs: 0, endMs: 60_000, stepSeconds: 60 };

describe('a Prometheus answer that is not a matrix', () => {
  it.each([
    // before: `… is not a matrix: Invalid input: expected "matrix"`
    // a single allowed value is named alone (was `expected one of "matrix"`)
    [{ resultType: 'vector', result: [] }, 'resultType: expected "matrix", found string "vector"'],
    [{ resultType: 'matrix', result: [{ metric: { job: 1 } }] }, 'result.0.metric.job: expected a string, found number 1'],
    [{ resultType: 'matrix', result: [{ metric: {}, values: 'none' }] }, 'result.0.values: values must be an array'],
  ])('range query %j: names the field, what was expected and what was found', (data, what) => {
    const error = (() => {
      try { decodeMatrix(data, Q); } catch (err) { return err as Error; }
      throw new Error('expected an error');
    })();

    expect(error).toBeInstanceOf(ExternalServiceError);
    expect(error.message).toBe(`Prometheus range answer is not a matrix: ${what}`);
    expect(error.message).not.toMatch(RAW);
  });

  it('raw samples: names the field of the answer that is not a matrix', async () => {
    const body = JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } });
    const post: HttpPost = async () => ({ status: 200, statusText: 'OK', ok: true, header: () => null, body: new TextEncoder().encode(body) });
    const raw = createRawClient({ baseUrl: 'http://prometheus.test' }, { post, clock: fixedClock(0), compression: 'none' });

    const error = await raw({ selector: 'ALERTS', fromMs: 0, toMs: 60_000 }, new AbortController().signal).then(() => undefined, (err: unknown) => err as Error);

    expect(error).toBeInstanceOf(ExternalServiceError);
    expect(error?.message).toBe('Prometheus answer to ALERTS[…] is not a matrix: resultType: expected "matrix", found string "vector"');
  });
});
