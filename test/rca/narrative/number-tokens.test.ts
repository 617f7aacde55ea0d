import { describe, expect, it } from 'vitest';
import { NumberPool, numberTokens, spelledNumberTokens } from '../../../src/rca/narrative/number-tokens.js';

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
    ['2026-11-29', { raw: '2026-11-29', value: '2026-11-29', unit: 'date' }],
    ['42,850 queries', { raw: '42,850', value: '42850', unit: '' }],
    ['1,200, then', { raw: '1,200', value: '1200', unit: '' }],
    ['1,200.5 ms', { raw: '1,200.5 ms', value: '1200.5', unit: 'ms' }],
  ])('reads %j', (text, expected) => {
    expect(token(text)).toEqual(expected);
  });

  it('reads an ISO time as one date and one time token, not its year, month, day, hour and minute', () => {
    expect(numberTokens('2026-11-29T14:05:00.000Z').map((t) => t.value)).toEqual(['2026-11-29', '14:05']);
  });

  it('reads numbers in words', () => {
    expect(spelledNumberTokens('forty-two clusters, then two hundred pods').map((t) => [t.raw, t.value])).toEqual([['forty-two', '42'], ['two hundred', '200']]);
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

  it('grounds a date only as a whole YYYY-MM-DD, never its month or day as a count', () => {
    const dates = new NumberPool().addText('from 2026-11-29 14:05 UTC').addTime(Date.UTC(2026, 10, 30, 1));

    expect([token('2026-11-29'), token('2026-11-30'), token('2026-11-28'), token('29 pods'), token('11 nodes'), token('2026')].map((t) => dates.has(t))).toEqual([true, true, false, false, false, false]);
  });
});
