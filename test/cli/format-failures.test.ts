import { describe, expect, it } from 'vitest';
import { formatFailures } from '../../src/cli/format-failures.js';

describe('formatFailures', () => {
  it('prints parts that failed alike on one line and others on their own', () => {
    const text = formatFailures([
      { part: 'signal:a:x', message: 'Prometheus down' },
      { part: 'signal:b:x', message: 'Prometheus down' },
      { part: 'sink:slack', message: 'HTTP 500' },
      { part: 'signal:c:x', message: 'Prometheus down' },
      { part: 'signal:d:x', message: 'Prometheus down' },
    ]);

    expect(text).toBe('  failed: 4 parts (signal:a:x, signal:b:x, signal:c:x, …): Prometheus down\n  failed: sink:slack: HTTP 500\n');
  });

  it('stops after 20 lines and says how many more and where they are', () => {
    const failures = Array.from({ length: 25 }, (_, i) => ({ part: `cluster:c-${i}`, message: `error ${i}` }));

    const lines = formatFailures(failures, 'run-1').trimEnd().split('\n');

    expect(lines).toHaveLength(21);
    expect(lines[19]).toBe('  failed: cluster:c-19: error 19');
    expect(lines[20]).toBe('  … and 5 more kinds of failure (every one is in the JSON log and the run record of run-1)');
  });

  it('prints nothing when nothing failed', () => {
    expect(formatFailures([])).toBe('');
  });
});
