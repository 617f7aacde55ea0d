import { describe, expect, it } from 'vitest';
import type { AnomalyRow } from '../../src/adapters/store/types.js';
import { decodeClusterState, encodeClusterState } from '../../src/scan/scan-state-codec.js';
import { scanSeries, type SeriesSpec } from '../../src/scan/series-scan.js';
import { at, DAY, noise, opts, series, STEP_MS } from './series-fixtures.js';

const spec = (signal: string, badDirection: 'up' | 'down', slo?: number): SeriesSpec => ({ cluster: 'c1', component: 'coredns', signal, badDirection, slo });

describe('scanSeries', () => {
  it('finds an availability dip with its start, end and the budget it burned', () => {
    // 12 points (1 h) at 90% against a 99.9% SLO: 12 × 0.1 of a 30-day budget of 8,640 × 0.001
    const avail = series(2 * DAY, (i) => (i >= 400 && i < 412 ? 0.9 : 1 - 0.0002 * (1 + noise(i))));

    const { findings } = scanSeries(spec('availability', 'down', 0.999), avail, at(0), undefined, opts());

    const dips = findings.filter((f) => f.kind === 'dip');
    expect(dips).toHaveLength(1);
    expect(dips[0]).toMatchObject({ severity: 'critical', startMs: at(400), endMs: at(412), runId: 'run-1' });
    expect(dips[0].details.budgetBurnedFraction).toBeCloseTo((12 * 0.1) / (30 * DAY * 0.001), 5);
    expect(dips[0].details.minAvailability).toBeCloseTo(0.9, 9);
  });

  it.each([
    { badDirection: 'up' as const, expected: 1 },
    { badDirection: 'down' as const, expected: 0 },
  ])('reports a latency spike only when up is bad (bad direction $badDirection → $expected)', ({ badDirection, expected }) => {
    const latency = series(2 * DAY, (i) => (i >= 420 && i < 426 ? 0.5 : 0.1 + 0.005 * noise(i)));

    const { findings } = scanSeries(spec('latency_p99', badDirection), latency, at(0), undefined, opts());

    const anomalies = findings.filter((f) => f.kind === 'anomaly');
    expect(anomalies).toHaveLength(expected);
    if (expected) expect(anomalies[0]).toMatchObject({ severity: 'warning', startMs: at(420), endMs: at(425) });
  });

  it.each([
    { badDirection: 'down' as const, shifts: 1 },
    { badDirection: 'up' as const, shifts: 0 },
  ])('finds a halving of the request rate as a level shift when down is bad ($badDirection → $shifts)', ({ badDirection, shifts }) => {
    // the first week teaches the tracker its weekly profile
    const rate = series(9 * DAY, (i) => (i >= 7 * DAY + 420 ? 50 : 100) + 2 * noise(i));

    const { findings } = scanSeries(spec('request_rate', badDirection), rate, at(0), undefined, opts());

    const found = findings.filter((f) => f.kind === 'level-shift');
    expect(found).toHaveLength(shifts);
    if (shifts) {
      expect(found[0].startMs).toBe(at(7 * DAY + 420));
      expect(found[0].details.magnitude).toBeGreaterThan(-55);
      expect(found[0].details.magnitude).toBeLessThan(-45);
    }
  });

  it('measures tiny ratios against the floor, so 0.0001 → 0.0003 is not an anomaly', () => {
    const errors = series(2 * DAY, (i) => (i >= 420 && i < 432 ? 3e-4 : 1e-4 * (1 + 0.1 * noise(i))));

    const bare = scanSeries(spec('error_ratio', 'up'), errors, at(0), undefined, opts());
    const floored = scanSeries({ ...spec('error_ratio', 'up'), floor: 1e-3 }, errors, at(0), undefined, opts());

    expect(bare.findings.filter((f) => f.kind === 'anomaly').length).toBeGreaterThan(0);
    expect(floored.findings.filter((f) => f.kind === 'anomaly')).toEqual([]);
  });

  it('continues from stored state exactly like one unbroken scan (same findings, same ids)', () => {
    // an event that is still open at the end of day 1 must keep its id, peak and worst value
    const latency = series(2 * DAY, (i) => (i >= DAY - 4 && i < DAY + 6 ? 0.6 + 0.01 * noise(i) : 0.1 + 0.005 * noise(i)));
    const s = spec('latency_p99', 'up');

    const whole = scanSeries(s, latency, at(0), undefined, opts());
    const day1 = scanSeries(s, latency.subarray(0, DAY), at(0), undefined, opts());
    const contextFrom = DAY - 72; // the hourly run re-fetches 6 h of context before its new points
    const day2 = scanSeries(s, latency.subarray(contextFrom), at(contextFrom), day1.state, opts({ newFromMs: at(DAY) }));

    const merged = new Map([...day1.findings, ...day2.findings].map((f) => [f.id, f]));
    const anomalies = (rows: Iterable<{ kind: string }>) => [...rows].filter((f) => f.kind === 'anomaly');
    expect(anomalies(merged.values())).toEqual(anomalies(whole.findings));
    expect(anomalies(whole.findings)).toHaveLength(1);
    expect(day2.state.scorer).toEqual(whole.state.scorer);
    expect(day2.state.throughMs).toBe(at(2 * DAY - 1));
  });

  it('reports a level shift from hourly runs that fetch only their new hour and 6 h of context', () => {
    const rate = series(10 * DAY, (i) => (i >= 8 * DAY + 120 ? 50 : 100) + 10 * Math.sin((2 * Math.PI * i) / DAY) + 2 * noise(i));
    const s = spec('request_rate', 'down');
    const whole = scanSeries(s, rate, at(0), undefined, opts()).findings.filter((f) => f.kind === 'level-shift');

    let { state } = scanSeries(s, rate.subarray(0, 8 * DAY), at(0), undefined, opts());
    const hourly: string[] = [];
    for (let end = 8 * DAY + 12; end <= 10 * DAY; end += 12) {
      const from = end - 12 - 72;
      const run = scanSeries(s, rate.subarray(from, end), at(from), state, opts({ newFromMs: at(end - 12) }));
      state = run.state;
      hourly.push(...run.findings.filter((f) => f.kind === 'level-shift').map((f) => f.id));
    }

    expect(whole).toHaveLength(1);
    expect(whole[0].startMs).toBe(at(8 * DAY + 120));
    expect(hourly).toEqual([whole[0].id]);
  });

  it('hourly runs judge dips over the same 3-day windows as one unbroken scan (no ticket from the fetched hours alone)', () => {
    // 7 h at 0.9985 (burn rate 1.5 over those hours, ~0.3 over 3 days: no ticket), a 2-day burn at
    // 0.998 (a ticket), and a 1-hour page that spans two runs
    const avail = series(8 * DAY, (i) => {
      if (i >= 4 * DAY && i < 4 * DAY + 84) return 0.9985;
      if (i >= 5 * DAY && i < 7 * DAY) return 0.998;
      if (i >= 7 * DAY + 150 && i < 7 * DAY + 162) return 0.9;
      return 1 - 0.0002 * (1 + noise(i));
    });
    const s = spec('availability', 'down', 0.999);
    const dips = (rows: AnomalyRow[]) => rows.filter((f) => f.kind === 'dip');
    const whole = dips(scanSeries(s, avail, at(0), undefined, opts()).findings);

    let { state } = scanSeries(s, avail.subarray(0, 3 * DAY), at(0), undefined, opts());
    const hourly = new Map<string, AnomalyRow>();
    for (let end = 3 * DAY + 12; end <= 8 * DAY; end += 12) {
      const from = end - 12 - 73; // 6 h 05 of context, as the hourly run fetches
      const run = scanSeries(s, avail.subarray(from, end), at(from), state, opts({ newFromMs: at(end - 12) }));
      // stored and read back between runs, as the scan does
      state = decodeClusterState(encodeClusterState(new Map([['availability|coredns', run.state]]))).get('availability|coredns')!;
      for (const f of dips(run.findings)) hourly.set(f.id, f);
    }

    expect(whole.map((f) => [f.severity, f.startMs])).toEqual([['warning', at(5 * DAY)], ['critical', at(7 * DAY + 150)]]);
    expect([...hourly.values()]).toEqual(whole);
  });

  it('an infinite value inside an event is a missing point, not its worst value', () => {
    const latency = series(2 * DAY, (i) => (i >= 420 && i < 432 ? 0.5 : 0.1 + 0.005 * noise(i)));
    latency[425] = Infinity;

    const { findings } = scanSeries(spec('latency_p99', 'up'), latency, at(0), undefined, opts());

    const anomalies = findings.filter((f) => f.kind === 'anomaly');
    expect(anomalies).toHaveLength(1);
    expect(anomalies[0].details.worst).toBe(0.5);
  });

  it('a gap does not turn the next day\'s usual daily peak into an anomaly', () => {
    // a batch peak at 02:00 every day; one hour of missing data on day 7
    const rate = series(10 * DAY, (i) => 100 + 30 * Math.sin((2 * Math.PI * i) / DAY) + (i % DAY >= 24 && i % DAY < 30 ? 150 : 0) + 2 * noise(i));
    rate.fill(NaN, 7 * DAY + 100, 7 * DAY + 112);

    const { findings } = scanSeries(spec('request_rate', 'up'), rate, at(0), undefined, opts({ newFromMs: at(7 * DAY) }));

    expect(findings).toEqual([]);
  });

  it('gives the same ids when the same window is scanned twice', () => {
    const latency = series(2 * DAY, (i) => (i >= 420 && i < 426 ? 0.5 : 0.1 + 0.005 * noise(i)));

    const a = scanSeries(spec('latency_p99', 'up'), latency, at(0), undefined, opts());
    const b = scanSeries(spec('latency_p99', 'up'), latency, at(0), undefined, opts({ runId: 'run-2' }));

    expect(b.findings.map((f) => f.id)).toEqual(a.findings.map((f) => f.id));
    expect(a.findings.length).toBeGreaterThan(0);
  });

  it('skips points it has already scored and tracks the last non-missing point', () => {
    const values = series(DAY, (i) => (i >= DAY - 10 ? NaN : 1));

    const { state } = scanSeries(spec('availability', 'down', 0.999), values, at(0), undefined, opts());
    const again = scanSeries(spec('availability', 'down', 0.999), values, at(0), state, opts({ newFromMs: at(DAY) }));

    expect(state.lastSeenMs).toBe(at(DAY - 11));
    expect(again.state.scorer).toEqual(state.scorer);
    expect(STEP_MS).toBe(300_000);
  });
});
