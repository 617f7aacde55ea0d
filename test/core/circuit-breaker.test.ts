import { describe, expect, it } from 'vitest';
import { CircuitBreaker, CircuitOpenError } from '../../src/core/circuit-breaker.js';
import { ExternalServiceError } from '../../src/core/errors.js';

const down = () => new ExternalServiceError('connect ECONNREFUSED 127.0.0.1:9', { service: 'x', retryable: true });
const refused = () => new ExternalServiceError('HTTP 400: bad query', { service: 'x', status: 400, retryable: false });

function breaker(threshold = 3) {
  const clock = { now: 0 };
  const b = new CircuitBreaker({ threshold, cooldownMs: 1000, nowMs: () => clock.now, describe: 'X at http://x', service: 'x' });
  return { b, clock };
}

describe('CircuitBreaker', () => {
  it('opens after threshold consecutive server-down failures and then skips calls with one stable message', () => {
    const { b } = breaker();
    expect(b.failure(down())).toBe(false);
    expect(b.failure(down())).toBe(false);
    b.check();
    expect(b.failure(down())).toBe(true);

    expect(b.open).toBe(true);
    expect(() => b.check()).toThrow(CircuitOpenError);
    expect(() => b.check()).toThrow('X at http://x is not answering (connect ECONNREFUSED 127.0.0.1:9): call skipped, tried again after 1 s');
  });

  it('lets one probe through after the cooldown; its success closes the breaker, its failure reopens it', () => {
    const { b, clock } = breaker(1);
    b.failure(down());
    clock.now = 999;
    expect(() => b.check()).toThrow(CircuitOpenError);

    clock.now = 1000;
    b.check();
    expect(() => b.check()).toThrow(CircuitOpenError); // one probe at a time
    b.failure(down());
    clock.now = 1999;
    expect(() => b.check()).toThrow(CircuitOpenError);

    clock.now = 2000;
    b.check();
    b.success();
    expect(b.open).toBe(false);
    b.check();
  });

  it('treats an answer that refuses the request as the server being up, and ignores its own skips', () => {
    const { b } = breaker(2);
    b.failure(down());
    b.failure(refused());
    b.failure(down());
    expect(b.open).toBe(false);

    b.failure(down());
    expect(b.open).toBe(true);
    expect(b.failure(new CircuitOpenError('skipped', { service: 'x' }))).toBe(false);
  });

  it('never opens with threshold 0', () => {
    const { b } = breaker(0);
    for (let i = 0; i < 10; i++) b.failure(down());
    b.check();
    expect(b.open).toBe(false);
  });
});
