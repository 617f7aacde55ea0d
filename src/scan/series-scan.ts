import { CausalScorer, DipTracker, type TrackedDip } from '../detect/index.js';
import { LevelShiftTracker } from '../detect/level-shift-tracker.js';
import type { AnomalyRow } from '../adapters/store/types.js';
import { findingId } from './finding-id.js';

export interface SeriesSpec {
  cluster: string;
  component: string;
  signal: string;
  badDirection: 'up' | 'down';
  /** SLO target for availability-like signals (dips are found only when set). */
  slo?: number;
  /**
   * Smallest level a relative change is measured against (default 0): an error ratio moving from
   * 0.0001 to 0.0002 doubles but matters to nobody; with a floor of 0.001 it is a 10% change.
   */
  floor?: number;
}

export interface SeriesScanState {
  /** CausalScorer state after the last scanned point. */
  scorer?: Float64Array;
  /** Time of the last point fed to the scorer. */
  throughMs: number;
  /** Start of an anomaly event still open at `throughMs` (keeps its id stable across runs). */
  openEventStartMs?: number;
  /** The open event's peak score, worst value and baseline, so the next run reports it as one unbroken run would. */
  openEvent?: { peak: number; worst: number; level: number };
  /** Time of the last non-missing point seen. */
  lastSeenMs?: number;
  /** LevelShiftTracker state after the last scanned point. */
  shift?: Float64Array;
  /**
   * DipTracker state after the last scanned point (availability series): the burn-rate windows,
   * up to the 3-day ticket rule's, and the dip open at `throughMs`, which keeps its id (and is
   * stored once) however long it lasts.
   */
  dip?: Float64Array;
  /**
   * Decoded from a state written before `dip` was kept: its availability series have no burn-rate
   * history, so the scan rebuilds the cluster from the full lookback (see loadStates).
   */
  beforeDipTracker?: boolean;
  /**
   * A placeholder, not a state: this series' query failed before it was ever scanned (a new cluster,
   * or a rebuild), so it has no baseline. The next run fetches the cluster from the full lookback and
   * scans the series as new; without it, the cluster's other states moved its window on to the
   * context, and this series was scanned from those 6-7 hours only, for good.
   */
  unbuilt?: boolean;
}

export interface SeriesScanOptions {
  stepSeconds: number;
  /** Report only findings that touch [newFromMs, end]; earlier points are context. */
  newFromMs: number;
  scoreThreshold: number;
  /** Minimum relative deviation from the scorer's level for an anomaly point (filters noise on flat series). */
  minRelativeChange: number;
  runId: string;
}

export const DEFAULT_SCAN_OPTIONS = { scoreThreshold: 0.75, minRelativeChange: 0.25 } as const;

type Finding = Omit<AnomalyRow, 'runId'>;

/**
 * Scan one series: causal anomaly events (direction-aware), SLO dips with burn rates, level shifts.
 * Pure apart from the state it carries forward, which it consumes: the arrays of `state` become
 * those of the state returned (and change), so pass a state once. A rescan of the same window
 * gives the same ids.
 */
export function scanSeries(spec: SeriesSpec, values: Float64Array, startMs: number, state: SeriesScanState | undefined, opts: SeriesScanOptions): { findings: AnomalyRow[]; state: SeriesScanState } {
  const stepMs = opts.stepSeconds * 1000;
  const { findings: events, state: next } = scoreEvents(spec, values, startMs, stepMs, state, opts);
  const findings: Finding[] = [...events];
  let dip: Float64Array | undefined;
  if (spec.slo !== undefined) {
    const dips = dipFindings(spec, values, startMs, opts, state);
    findings.push(...dips.findings);
    dip = dips.state;
  }
  const shifts = shiftFindings(spec, values, startMs, stepMs, state, opts);
  findings.push(...shifts.findings);
  return { findings: findings.map((f) => ({ ...f, runId: opts.runId })), state: { ...next, shift: shifts.state, ...(dip ? { dip } : {}) } };
}

function scoreEvents(spec: SeriesSpec, values: Float64Array, startMs: number, stepMs: number, state: SeriesScanState | undefined, opts: SeriesScanOptions): { findings: Finding[]; state: SeriesScanState } {
  // the stored arrays become the scorer's and tracker's storage (no copies): the caller replaces the
  // state it passed in with the one returned
  const scorer = state?.scorer ? CausalScorer.adopt(state.scorer) : new CausalScorer({ stepSeconds: opts.stepSeconds });
  const findings: Finding[] = [];
  let open: { startMs: number; endMs: number; peak: number; worst: number; level: number } | undefined =
    state?.openEventStartMs !== undefined ? { startMs: state.openEventStartMs, endMs: state.throughMs, peak: 0, worst: NaN, level: NaN, ...state.openEvent } : undefined;
  let throughMs = state?.throughMs ?? -Infinity;
  // the index of the last value seen, not its time: a local that may hold undefined is a tagged
  // value, so `lastSeenMs = t` boxed a heap number per sample
  let lastSeen = -1;
  const close = () => {
    if (open && open.endMs >= opts.newFromMs) findings.push(eventFinding(spec, open));
    open = undefined;
  };
  // points up to throughMs were scored by an earlier run; the rest are scored in one call (see scoreInto)
  let from = 0;
  while (from < values.length && startMs + from * stepMs <= throughMs) from++;
  const { scores, levels } = scratchFor(values.length - from);
  // read once: `spec.floor ?? 0` in the loop made Math.max generic, which boxed its arguments
  const floor = Math.max(spec.floor ?? 0, 1e-9);
  const up = spec.badDirection === 'up';
  scorer.scoreInto(values.subarray(from), scores, levels);
  for (let i = from; i < values.length; i++) {
    const t = startMs + i * stepMs;
    const x = values[i];
    const level = levels[i - from];
    const score = scores[i - from];
    throughMs = t;
    if (Number.isNaN(x)) continue;
    lastSeen = i;
    // ±Inf (a ratio over zero requests) is a sample but no value: the scorer skips it, and inside an
    // event it was the event's worst value (Infinity, stored as null)
    if (x - x !== 0) continue;
    const bad = up ? x - level : level - x;
    const relative = bad / Math.max(Math.abs(level), floor);
    const flagged = score >= opts.scoreThreshold && relative >= opts.minRelativeChange;
    const continuing = open !== undefined && bad > 0 && relative >= opts.minRelativeChange / 2;
    if (flagged || continuing) {
      open ??= { startMs: t, endMs: t, peak: 0, worst: x, level };
      open.endMs = t;
      open.peak = Math.max(open.peak, score);
      if (Number.isNaN(open.level)) open.level = level;
      if (Number.isNaN(open.worst) || (up ? x > open.worst : x < open.worst)) open.worst = x;
    } else if (open && t - open.endMs > 2 * stepMs) {
      close();
    }
  }
  const stillOpen = open as typeof open;
  if (stillOpen && stillOpen.endMs >= opts.newFromMs) findings.push(eventFinding(spec, stillOpen));
  const openEvent = stillOpen ? { peak: stillOpen.peak, worst: stillOpen.worst, level: stillOpen.level } : undefined;
  const lastSeenMs = lastSeen >= 0 ? startMs + lastSeen * stepMs : state?.lastSeenMs;
  return { findings, state: { scorer: scorer.exportState(), throughMs, openEventStartMs: stillOpen?.startMs, openEvent, lastSeenMs } };
}

/** Scores and levels of one series, reused from series to series (scanning is synchronous). */
let scratch = { scores: new Float64Array(0), levels: new Float64Array(0) };
function scratchFor(n: number): { scores: Float64Array; levels: Float64Array } {
  if (scratch.scores.length < n) scratch = { scores: new Float64Array(n), levels: new Float64Array(n) };
  return scratch;
}

function eventFinding(spec: SeriesSpec, e: { startMs: number; endMs: number; peak: number; worst: number; level: number }): Finding {
  const severity = e.peak >= 0.9 && e.endMs - e.startMs >= 15 * 60_000 ? 'warning' : 'info';
  return {
    id: findingId({ ...spec, kind: 'anomaly', startMs: e.startMs }), cluster: spec.cluster, component: spec.component, signal: spec.signal,
    kind: 'anomaly', severity, startMs: e.startMs, endMs: e.endMs, score: round(e.peak),
    details: { direction: spec.badDirection, baseline: round(e.level), worst: round(e.worst) },
  };
}

/**
 * SLO dips, streamed through a DipTracker whose state is stored: the burn-rate windows (3 days for
 * the ticket rule) reach back past the fetched hours, and an hourly run reports what one unbroken
 * run over the same points would. Without a stored tracker (a new series, or a rebuild) the tracker
 * is built from every fetched point, and only dips reaching newFromMs are reported.
 */
function dipFindings(spec: SeriesSpec, values: Float64Array, startMs: number, opts: SeriesScanOptions, state: SeriesScanState | undefined): { findings: Finding[]; state: Float64Array } {
  const trackerOptions = { stepSeconds: opts.stepSeconds, slo: spec.slo! };
  const stored = state?.dip ? DipTracker.adopt(state.dip, trackerOptions) : undefined;
  const tracker = stored ?? new DipTracker(trackerOptions);
  const stepMs = opts.stepSeconds * 1000;
  const findings: Finding[] = [];
  const report = (d: TrackedDip | undefined) => {
    if (d && d.endMs >= opts.newFromMs) findings.push(dipFinding(spec, d, stepMs));
  };
  tracker.pushSeries(values, startMs, report);
  report(tracker.open());
  return { findings, state: tracker.exportState() };
}

function dipFinding(spec: SeriesSpec, d: TrackedDip, stepMs: number): Finding {
  return {
    id: findingId({ ...spec, kind: 'dip', startMs: d.startMs }), cluster: spec.cluster, component: spec.component, signal: spec.signal,
    kind: 'dip', severity: d.severity === 'page' ? 'critical' : 'warning',
    startMs: d.startMs, endMs: d.endMs + stepMs, score: round(Math.min(1, d.peakBurnRate / 14.4)),
    details: { slo: spec.slo, minAvailability: round(d.minAvailability), budgetBurnedFraction: round(d.budgetBurnedFraction), peakBurnRate: round(d.peakBurnRate) },
  };
}

/**
 * Level shifts on hourly means with the daily pattern removed, streamed through a tracker whose state
 * is stored, so an hourly run reports a shift without refetching the day of history it is judged on.
 */
function shiftFindings(spec: SeriesSpec, values: Float64Array, startMs: number, stepMs: number, state: SeriesScanState | undefined, opts: SeriesScanOptions): { findings: Finding[]; state: Float64Array } {
  const tracker = state?.shift ? LevelShiftTracker.adopt(state.shift) : new LevelShiftTracker(stepMs);
  const throughMs = state?.throughMs ?? -Infinity;
  const findings: Finding[] = [];
  for (let i = 0; i < values.length; i++) {
    const t = startMs + i * stepMs;
    if (t <= throughMs) continue;
    const c = tracker.push(t, values[i]);
    if (!c || c.direction !== spec.badDirection || c.confirmedMs < opts.newFromMs) continue;
    if (Math.abs(c.magnitude) < opts.minRelativeChange * Math.max(Math.abs(c.levelBefore) || 0, spec.floor ?? 0, 1e-9)) continue;
    findings.push({
      id: findingId({ ...spec, kind: 'level-shift', startMs: c.startMs }), cluster: spec.cluster, component: spec.component, signal: spec.signal,
      kind: 'level-shift', severity: 'info', startMs: c.startMs, endMs: c.confirmedMs, score: 1,
      details: { direction: c.direction, magnitude: round(c.magnitude), levelBefore: round(c.levelBefore) },
    });
  }
  return { findings, state: tracker.exportState() };
}

function round(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 1e6) / 1e6 : x;
}
