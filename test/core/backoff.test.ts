import { getEventListeners, setMaxListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { HttpServiceError, parseRetryAfterMs, withBackoff, withTimeout } from '../../src/core/backoff.js';
import { ExternalServiceError } from '../../src/core/errors.js';

/** A call that only ends when its signal aborts (like fetch: at once if it was aborted already). */
const never = (signal: AbortSignal) => new Promise<never>((_, reject) => {
  if (signal.aborted) reject(signal.reason as Error);
  signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
});

describe('withTimeout', () => {
  it('aborts the call with a TimeoutError once the time is up', async () => {
    await expect(withTimeout(undefined, 20, never)).rejects.toMatchObject({ name: 'TimeoutError', message: 'no answer within 20 ms' });
  });

  it('aborts the call with the parent\'s reason when the job\'s signal aborts first, and when it was aborted already', async () => {
    const parent = new AbortController();
    const running = withTimeout(parent.signal, 60_000, never);
    parent.abort(new Error('deadline of 60s exceeded'));
    await expect(running).rejects.toThrow('deadline of 60s exceeded');
    await expect(withTimeout(parent.signal, 60_000, never)).rejects.toThrow('deadline of 60s exceeded');
  });

  it('leaves no listener on the parent after 100 calls settle, whichever way they end', async () => {
    const parent = new AbortController();
    setMaxListeners(100, parent.signal); // 100 calls in flight at once listen to it, as intended here
    const calls = Array.from({ length: 100 }, (_, i) => withTimeout(parent.signal, i % 2 ? 5 : 60_000, (s) => (i % 2 ? never(s) : Promise.resolve(i))));
    expect(getEventListeners(parent.signal, 'abort')).toHaveLength(100);
    const settled = await Promise.allSettled(calls);
    expect(settled.filter((r) => r.status === 'fulfilled')).toHaveLength(50);
    expect(getEventListeners(parent.signal, 'abort')).toHaveLength(0);
  });
});

describe('withBackoff', () => {
  const opts = (sleeps: number[]) => ({ retries: 3, baseDelayMs: 100, maxDelayMs: 5_000, sleep: async (ms: number) => { sleeps.push(ms); }, random: () => 1 });

  it('retries retryable errors with doubling delays and waits as long as Retry-After asks', async () => {
    const sleeps: number[] = [];
    let n = 0;
    const result = await withBackoff(async () => {
      n++;
      if (n === 1) throw new HttpServiceError('503', { service: 'x', status: 503 });
      if (n === 2) throw new HttpServiceError('429', { service: 'x', status: 429 }, 4_000);
      if (n === 3) throw new HttpServiceError('502', { service: 'x', status: 502 });
      return 'ok';
    }, opts(sleeps));
    expect(result).toBe('ok');
    expect(sleeps).toEqual([100, 4_000, 400]);
  });

  it('does not retry sooner than Retry-After: a wait longer than maxDelayMs fails the call at once, saying why', async () => {
    const sleeps: number[] = [];
    let n = 0;
    const err = new HttpServiceError('Prometheus answered 429: too many requests', { service: 'prometheus', status: 429 }, 120_000);
    await expect(withBackoff(async () => { n++; throw err; }, opts(sleeps))).rejects.toThrow(
      'Prometheus answered 429: too many requests; the server asked to wait 120 s before a retry, longer than a run waits (5 s): not retried',
    );
    expect(n).toBe(1);
    expect(sleeps).toEqual([]);
    expect(err.details.status).toBe(429);
  });

  it.each([
    ['a 400', new HttpServiceError('bad', { service: 'x', status: 400 })],
    ['a non-retryable service error', new ExternalServiceError('no', { service: 'x', retryable: false })],
    ['a programming error', new TypeError('boom')],
  ])('does not retry %s', async (_, err) => {
    const sleeps: number[] = [];
    let n = 0;
    await expect(withBackoff(async () => { n++; throw err; }, opts(sleeps))).rejects.toBe(err);
    expect(n).toBe(1);
  });

  it('gives up after the configured retries', async () => {
    let n = 0;
    await expect(withBackoff(async () => { n++; throw new HttpServiceError('503', { service: 'x', status: 503 }); }, opts([]))).rejects.toThrow('503');
    expect(n).toBe(4);
  });
});

describe('parseRetryAfterMs', () => {
  it.each([
    ['120', 120_000], ['0', 0], [['3', '9'], 3_000], ['Wed, 21 Oct 2015 07:28:10 GMT', 10_000], ['soon', undefined], ['', undefined], [undefined, undefined],
  ] as const)('reads %j as %j ms', (header, want) => {
    expect(parseRetryAfterMs(header, Date.parse('2015-10-21T07:28:00Z'))).toBe(want);
  });
});
