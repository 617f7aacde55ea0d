import { describe, expect, it } from 'vitest';
import { NumberPool, numberTokens } from '../../../src/rca/narrative/number-tokens.js';

const token = (text: string) => numberTokens(text)[0];

describe('numberTokens', () => {
  it.each([
    ['850ms', { raw: '850ms', value: '850', unit: 'ms' }],
    ['850 ms', { raw: '850 ms', value: '850', unit: 'ms' }],
    ['850 Seconds', { raw: '850 seconds', value: '850', unit: 's' }],
    ['5.0 min', { raw: '5.0 min', value: '5', unit: 'm' }],
    ['12.5 %', { raw: '12.5 %', value: '12.5', unit: '%' }],
    ['12.5 percent', { raw: '12.5 percent', value: '12.5', unit: '%' }],
    ['42 clusters', { raw: '42 clusters', value: '42', unit: 'clusters' }],
    ['1 node', { raw: '1 node', value: '1', unit: 'nodes' }],
    ['42 affected clusters', { raw: '42', value: '42', unit: '' }],
    ['2 m5.large nodes', { raw: '2', value: '2', unit: '' }],
    ['v1.30.2', { raw: '1.30.2', value: '1.30.2', unit: '' }],
    ['14:05', { raw: '14:05', value: '14:05', unit: 'time' }],
    ['9:05:00', { raw: '9:05:00', value: '09:05', unit: 'time' }],
  ])('reads %j', (text, expected) => {
    expect(token(text)).toEqual(expected);
  });

  it('reads an ISO time as one time token, not its hour and minute', () => {
    expect(numberTokens('2026-11-29T14:05:00Z').map((t) => t.value)).toEqual(['2026', '11', '29', '14:05']);
  });
});

describe('NumberPool data', () => {
  const pool = new NumberPool().addData({ p99LatencyMs: 850, waitS: 30, servfailPct: 12.5, errorRatio: 0.25, clustersAffected: 7, minutesBeforeOnset: 12, minReplicas: 3 });

  it.each([
    ['850', true], ['850ms', true], ['850 s', false], ['850%', false],
    ['30 seconds', true], ['30 ms', false],
    ['12.5%', true], ['12.5 h', false], ['25%', true], ['0.25', true], ['0.25%', false],
    ['7 clusters', true], ['7 hours', false],
    ['12 minutes', true], ['3 min', false], ['3', true],
  ])('%j grounded: %s', (text, expected) => {
    expect(pool.has(token(text))).toBe(expected);
  });

  it('grounds a time only as a whole HH:MM, never its hour or minute', () => {
    const times = new NumberPool().addTime(Date.UTC(2026, 10, 29, 14, 5));

    expect([token('14:05'), token('14'), token('5'), token('14 hours')].map((t) => times.has(t))).toEqual([true, false, false, false]);
  });
});
