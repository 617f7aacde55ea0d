/**
 * One causal anomaly score in [0,1] per point, shared by the fleet scan and the NAB bench.
 * score[i] depends only on values[0..i]. O(1) work per sample and no allocation after
 * construction: exponentially weighted location/scale trackers, a seasonal ring buffer, four
 * standardised deviations (value, first difference, short mean, seasonal residual) each calibrated
 * against a histogram of its own history (causal-calibration.ts), and context novelty
 * (causal-context.ts), counted only after a quiet spell without one, as are record values and record
 * short means (shortRecordTol). The score is r / (r + 1) for
 * r the largest deviation over its own quantile, so 0.5 means "as unusual as the rarest
 * 1 - calibQuantile of this feature's past". Scores of 0.5 and more are alarms, one per event
 * (suppress()); lower scores pass unchanged.
 */
import { CALIB_BINS, CALIB_C, FeatureCalibration } from './causal-calibration.js';
import { ContextNovelty } from './causal-context.js';
import { IN_MEAN, IN_RANGE, LeftDiscord, OUT, SUM as DISC_SUM } from './causal-discord.js';

export interface CausalScoreParams {
  /** EW span (rows) of the long baseline of value, first difference and seasonal residual. */
  readonly longSpan: number;
  /** EW span (rows) of the short mean compared with the long baseline. */
  readonly shortSpan: number;
  /** Rows used only for learning: the score is 0 before this many rows. */
  readonly warmupRows: number;
  /** After an alarm, a later alarm within this many rows must beat its linearly decaying peak (else it scores 0). */
  readonly restRows: number;
  /** After an alarm, none in the next refractoryRows points: those that would reach 0.5 score 0. */
  readonly refractoryRows: number;
  /** Quantile of each feature's own history that its current value is measured against. */
  readonly calibQuantile: number;
  /** The same for the value's deviation from its long mean, stricter: heavy-tailed series (tweets, traffic) spike often. */
  readonly valueQuantile: number;
  /** Weight of the seasonal residual (below 1: yesterday is a noisier reference than the trend). */
  readonly seasonWeight: number;
  /**
   * Once the seasonal residual is known, the other deviations count in full only when it is at least
   * this fraction of its own quantile: what happened at this time yesterday is no news (0 disables).
   */
  readonly seasonGate: number;
  /**
   * A new context counts only after this many rows without one: in a series that keeps visiting new
   * contexts (a drifting range re-cuts the bands) novelty is no news; after a quiet spell it is.
   */
  readonly noveltyQuietRows: number;
  /**
   * A value beyond the range seen by more than this fraction of it alarms like a new context
   * (Numenta's spatial anomaly: a record high or low is news however calm the series; 0 disables).
   */
  readonly spatialTolerance: number;
  /** Bands of the range seen for context novelty (2..8; contexts are runs of three bands). */
  readonly contextLevels: number;
  /** Seasonal period in seconds (one day) and the series' step; 0 step disables it. */
  readonly seasonSeconds: number;
  readonly stepSeconds: number;
  /** Upper bound of the ring buffer (rows) for the seasonal residual: one day at 1-minute steps keeps the state near 2,048 entries (2,052 with the slow view). */
  readonly maxSeasonRows: number;
  /**
   * An alarm raised by the first difference alone (the value itself unremarkable) waits one row and
   * stands only if the next value still lies on the same side of the long mean, at least this
   * fraction as far; otherwise the next row is scored on its own (a jump back across the mean is a
   * jump too and may alarm). On NAB this removes first-difference false alarms on decaying spikes
   * (low-FP 57.6 → 58.7); the fleet's alarms of this kind come one step later (0 disables).
   */
  readonly holdFrac: number;
  /**
   * A young series knows its features' tails from a few hundred rows (a 0.998 quantile of 500 values is
   * about the second largest), so its deviations are divided by 1 + youthBoost * youthRows / (n +
   * youthRows) after n rows: the bar starts ~30 % higher and is within 3 % of its own after ten
   * youthRows. On NAB: 68.8 / 58.7 / 74.3 → 70.0 / 60.6 / 75.1, false alarms at the standard threshold
   * 234 → 208, the same windows found; 2-fold 66.6 / 57.3 / 71.7 → 69.8 / 60.8 / 75.0. 0 disables.
   */
  readonly youthBoost: number;
  readonly youthRows: number;
  /**
   * The short mean beyond the range of short means seen by more than this fraction of it alarms like
   * a record value (0 disables): a ramp to a new sustained high (or low) is news even when a few
   * one-row spikes long ago widened the values' own range, so the value itself sets no record. On
   * NAB (0.03, with shortRecordQuietRows 300): 70.0 / 60.6 / 75.1 → 71.4 / 61.9 / 76.7, 2-fold
   * 69.8 / 60.8 / 75.0 → 71.2 / 62.4 / 76.5 (two more windows found, two more false alarms).
   */
  readonly shortRecordTol: number;
  /** A short-mean record counts only this many rows after the previous one: in a drifting series records are no news. */
  readonly shortRecordQuietRows: number;
  /**
   * Left discord (causal-discord.ts): rows per block (0 disables), and the window (blocks) whose
   * z-normalised shape is compared with earlier ones (every discordLagStep-th lag) in a ring of
   * discordHistory block means; the distance to the nearest is a deviation calibrated at
   * discordQuantile of its own history, with window sd floored at discordEps of the range, scored
   * after discordWarm distances. A slower shape not seen lately is news even when no value,
   * difference or context is. Run in its own pass after the rows (see discordPass). On NAB: 71.4 / 61.9
   * / 76.7 → 72.9 / 63.0 / 78.2 (two more windows found); 2-fold (alternate files, grid × {off, on})
   * 71.2 / 62.4 / 76.5 → 72.7 / 63.6 / 78.0, on chosen in both halves. Cost ~+11-17 % of the scorer's
   * time; state +206 entries. It scores from ~3,200 rows on (32 blocks, then 100 distances: 11 days
   * at 5 minutes), so a fleet series gets it from its stored state, not within one scan.
   */
  readonly discordBlock: number;
  readonly discordLength: number;
  readonly discordHistory: number;
  readonly discordQuantile: number;
  readonly discordEps: number;
  readonly discordWarm: number;
  readonly discordLagStep: number;
  /**
   * Smaller than this series' own spikes (0 disables): an alarm led by the first difference or the
   * short mean, in a series that has already raised smallSpikeMin candidate alarms (rows scoring ≥ 0.5
   * before suppression) led by that feature, has its deviation divided by SMALL_SPIKE_FACTOR when its
   * size (|Δx| for the first difference, |x − mean| for the short mean) is under SMALL_SPIKE_REL of the
   * largest such candidate seen. It still starts the alarm's refractory and rest rows as scored before
   * (a bursty series' lesser spikes are no news, and must not free the next one either). On NAB
   * (6, 0.5, 1.5): 72.9 / 63.0 / 78.2 → 73.8 / 64.8 / 78.8, 217 → 197 false alarms (Twitter IBM, FB,
   * KO, PFE), no window lost.
   */
  readonly smallSpikeMin: number;
  /**
   * Novelty budget (0 disables): a candidate alarm led by context novelty alone (no record value or
   * short-mean record, no stronger deviation) is dropped (scored as its other deviations, suppression
   * included) while the count of earlier such candidates, decaying by e every noveltyBudgetRows rows,
   * is at least noveltyBudget. A series whose contexts keep turning up new ones (a drifting range)
   * has shown that a new context is no news. On NAB (1.5, 10000), on top of smallSpike*: 73.8 / 64.8
   * / 78.8 → 75.3 / 68.1 / 79.8.
   */
  readonly noveltyBudget: number;
  readonly noveltyBudgetRows: number;
  /**
   * Slow view of a count series (0 disables): while every value so far is a non-negative integer
   * (tweets, requests, events per step: counts, whose spread grows with their level), the EW mean over
   * slowSpan rows of √x (the variance-stabilising view of a count) is compared with its EW mean over
   * slowLongSpan rows (weeks); the excess, upward only, over the EW mean absolute deviation of √x is
   * one more deviation calibrated at calibQuantile of its own history, scored from slowWarmRows rows
   * on (a slow feature's history has few independent values early on) and never damped by the season
   * gate. A day-long elevation of a bursty count is news even when no single row, step or short mean
   * is: on a raw scale its spikes set the bar. On NAB (288, 8000, 2000): 75.3 / 68.1 / 79.8 →
   * 77.0 / 70.0 / 81.5 (Twitter CRM #2 and AMZN #2 found, 158 → 154 false alarms); 2-fold with spans
   * chosen per half among {5000, 8000, 20000} × {144, 200, 288, 400}: 75.1 / 68.0 / 79.6 → 76.3 /
   * 69.4 / 80.7.
   */
  readonly slowSpan: number;
  readonly slowLongSpan: number;
  readonly slowWarmRows: number;
}

export const DEFAULT_CAUSAL_PARAMS: CausalScoreParams = {
  longSpan: 250,
  shortSpan: 8,
  warmupRows: 150,
  restRows: 800,
  refractoryRows: 30,
  calibQuantile: 0.998,
  valueQuantile: 0.999,
  seasonWeight: 0.5,
  seasonGate: 0.25,
  noveltyQuietRows: 100,
  spatialTolerance: 0.03,
  contextLevels: 4,
  seasonSeconds: 86_400,
  stepSeconds: 0,
  maxSeasonRows: 1_440,
  holdFrac: 0.5,
  youthBoost: 0.3,
  youthRows: 300,
  shortRecordTol: 0.03,
  shortRecordQuietRows: 300,
  discordBlock: 24,
  discordLength: 4,
  discordHistory: 32,
  discordQuantile: 0.995,
  discordEps: 0.02,
  discordWarm: 100,
  discordLagStep: 2,
  smallSpikeMin: 6,
  noveltyBudget: 1.5,
  noveltyBudgetRows: 10_000,
  slowSpan: 288,
  slowLongSpan: 8_000,
  slowWarmRows: 2_000,
};

const STATE_VERSION = 10;
/** Params checked when a scorer is built (one array for the 116,200 scorers of an hourly run). */
const YOUTH_KEYS = ['youthBoost', 'youthRows'] as const;
/**
 * An alarm this much stronger than the last one is a new event even inside its refractory rows: a
 * marginal alarm on noise must not hide an outage that starts minutes later (NAB moves < 0.1).
 */
const BREAKTHROUGH = 0.3;
const PARAM_KEYS = ['longSpan', 'shortSpan', 'warmupRows', 'restRows', 'refractoryRows', 'calibQuantile', 'valueQuantile', 'seasonWeight', 'seasonGate', 'noveltyQuietRows', 'spatialTolerance', 'contextLevels', 'seasonSeconds', 'stepSeconds', 'maxSeasonRows', 'holdFrac', 'youthBoost', 'youthRows', 'shortRecordTol', 'shortRecordQuietRows', 'discordBlock', 'discordLength', 'discordHistory', 'discordQuantile', 'discordEps', 'discordWarm', 'discordLagStep', 'smallSpikeMin', 'noveltyBudget', 'noveltyBudgetRows', 'slowSpan', 'slowLongSpan', 'slowWarmRows'] as const;
/** Version and params head the state; the scalars follow. */
const HEAD = 1 + PARAM_KEYS.length;
const SCALARS = 28;
const SEASON_AT = HEAD + SCALARS;
const SQRT_PI_2 = Math.sqrt(Math.PI / 2); // mean |N(0,1)| -> sigma
const CLIP = 4 * SQRT_PI_2; // winsorise at 4 sigma
const FEATURES = 4; // value, first difference, short mean, seasonal residual
const SEASON = 3;
/** The calibration's bins and the constant of its bin map (causal-calibration.ts), as private consts: V8 folds them (an imported one is loaded and hole-checked per use). */
const BINS = 64;
const BIN_C = 8;
if (BINS !== CALIB_BINS || BIN_C !== CALIB_C) throw new Error('causal-score: calibration constants out of step with causal-calibration.ts');
/** The slow view's ratio in `ratio` (calibrated apart: most series are no counts, and skip it). */
const SLOW = 4;
/** slowPass()'s ratios for the rows of the chunk being scored (grown as needed, shared by all scorers). */
let SLOW_RATIOS = new Float64Array(4_096);
/** Ratio a new context scores: just above the alarm level (0.545), so it alarms but ranks below strong deviations. */
const NOVELTY_RATIO = 1.2;
/** push()'s value and score: a chunk of one for scoreInto(). */
const PUSH_IN = new Float64Array(1);
const PUSH_OUT = new Float64Array(1);
/**
 * The rows seen and the range before a chunk, for the discord's pass: handed over in a typed array, as
 * doubles passed to a call V8 does not inline are boxed (two heap numbers per push() otherwise).
 */
const PASS = new Float64Array(3);
/**
 * smallSpikeMin: a candidate under SMALL_SPIKE_REL of the largest of its kind has its deviation divided by
 * SMALL_SPIKE_FACTOR (on NAB, rel 0.4 / 0.45 / 0.6 / 0.7 / 0.8 and factor 1.3-1.7 score within 0.4 of these).
 */
const SMALL_SPIKE_REL = 0.5;
const SMALL_SPIKE_FACTOR = 1.5;
/** noveltyBudget: an over-budget novelty's deviation is divided by this, which puts it below the alarm level. */
const NOVELTY_DROP = 1.5;
/** What a held alarm scores on its own row: just below the alarm level. */
const HELD_SCORE = 0.49;

export class CausalScorer {
  readonly params: CausalScoreParams;
  /**
   * The state layout (version, params, scalars, seasonal ring, calibration, contexts) is also the
   * storage: the ring and the calibration are views of it, so a scorer built on a stored state
   * copies nothing, and a fresh one allocates one buffer instead of five (a typed array with its own
   * buffer cost ~2.7 µs to allocate; an hourly 1,400-cluster run builds 116,200 scorers).
   */
  private readonly store: Float64Array;
  private readonly season: Float64Array;
  private readonly period: number;
  private readonly calib: FeatureCalibration;
  private readonly context: ContextNovelty;
  /** The left discord (null when discordBlock is 0). */
  private readonly discord: LeftDiscord | null;
  private readonly aShort: number;
  private readonly aLong: number;
  private readonly warmupRows: number;
  private readonly seasonWeight: number;
  private readonly seasonGate: number;
  /** 1 / seasonGate when exact (a power of two, as the default 0.25), else 0: a multiply then gives the division's bits. */
  private readonly seasonGateInv: number;
  private readonly spatialTolerance: number;
  private readonly holdFrac: number;
  private readonly shortRecordTol: number;
  private readonly shortRecordQuietRows: number;
  private readonly shortSpan: number;
  /**
   * Params read per sample, copied into fields: params objects differ in shape (spread defaults, or
   * rebuilt from a stored state), and reading them per sample was a generic load that boxed the
   * number it was compared with (a heap number per sample).
   */
  private readonly longSpan: number;
  private readonly noveltyQuietRows: number;
  private readonly refractoryRows: number;
  private readonly restRows: number;
  /** youthRows, and youthBoost * youthRows (see CausalScoreParams.youthBoost). */
  private readonly youthRows: number;
  private readonly youthBar: number;
  /** Scratch for the deviations and their ratios (reused: no allocation per sample). */
  private readonly z = new Float64Array(FEATURES);
  private readonly ratio = new Float64Array(FEATURES + 1);
  /** The slow view's calibration and its deviation (null when slowSpan is 0). */
  private readonly slowCalib: FeatureCalibration | null;
  private readonly slowZ = new Float64Array(1);
  /** The slow calibration's output: a one-entry view of ratio[SLOW], made once (scoreRows() then sets ratio[SLOW] per row). */
  private readonly slowRatio = this.ratio.subarray(SLOW);
  private n = 0; private slot = 0;
  private mean = 0; private dev = 0; private dDev = 0; private sDev = 0;
  private short = 0; private prev = NaN; private lo = Infinity; private hi = -Infinity;
  private peak = 0; private sincePeak = 0; private rangeInv = 0;
  /** The range seen widened by spatialTolerance (set when the range changes; ±Infinity when disabled). */
  private spatialLo = -Infinity; private spatialHi = Infinity;
  /** Rows since the last new context (counted from the start, so warm-up novelty counts as recent). */
  private sinceNovel = 0;
  /** The held alarm (0: none) with its deviation from the mean. */
  private held = 0; private heldDev = 0;
  /** The range of short means seen (from shortSpan rows on) and rows since it last widened (see shortRecordTol). */
  private shortHi = -Infinity; private shortLo = Infinity; private sinceShortRecord = 0;
  /** Where the discord's stretch of the state starts, its block length (0: no discord) and rows left in its block (a Smi: no store per row). */
  private readonly discAt: number;
  private readonly discordBlock: number;
  private discLeft = 0;
  /**
   * An alarm row's value for its methods (see alarmRow), and the score alarmRow() and pushIn() hand
   * over in a field: a double passed to or returned from a call that is not inlined is boxed (a heap
   * number per call).
   */
  private x = NaN;
  private out = NaN;
  /** smallSpike*: per feature (first difference, short mean) the largest candidate's size and the candidates seen. */
  private fdSpike = -0; private fdSpikes = 0; private shortSpike = -0; private shortSpikes = 0;
  /** noveltyBudget: the decaying count of novelty-led candidates and the last such row (the count is decayed to it). */
  private novelties = -0; private lastNovelty = -2;
  /**
   * slowSpan: EW mean of √x over slowLongSpan rows, its mean absolute deviation and EW mean over
   * slowSpan rows, and 1 while every value so far is a non-negative integer (0 after one is not, or
   * when slowSpan is 0: the only test per row then).
   */
  private sqMean = 0; private sqDev = 0; private sqSlow = 0; private counts = 0;
  private readonly aSlow: number;
  private readonly aSlowLong: number;
  private readonly slowLongSpan: number;
  private readonly slowWarmRows: number;
  /** Whether either rule is on (read per alarm only). */
  private readonly damped: boolean;
  /** dampen()'s lesser spike for suppress(): its score before (≤ 0: none this row) and after. (-0 and -0.5 above: doubles from the start, so V8 never changes these fields' representation.) */
  private dampedRaw = -0.5; private dampedOut = -0;

  /** `store`: a state to continue from, used as this scorer's storage (see adopt). */
  constructor(params: Partial<CausalScoreParams> = {}, store?: Float64Array) {
    this.params = { ...DEFAULT_CAUSAL_PARAMS, ...params };
    for (const k of YOUTH_KEYS) if (!(this.params[k] >= 0 && this.params[k] < Infinity)) throw new Error(`CausalScorer ${k} must be a finite number ≥ 0, got ${this.params[k]}`);
    const { shortSpan, longSpan } = this.params;
    this.context = new ContextNovelty(this.params.contextLevels);
    const { period, calibAt, slowAt, discordAt, length } = layoutOf(this.params);
    this.period = period;
    if (store && store.length !== length) throw new Error(`CausalScorer state has ${store.length} entries, expected ${length}; rebuild baselines (--full)`);
    this.store = store ?? new Float64Array(length);
    if (!store) {
      this.store[0] = STATE_VERSION;
      for (let i = 0; i < PARAM_KEYS.length; i++) this.store[1 + i] = this.params[PARAM_KEYS[i]];
    }
    this.season = this.store.subarray(SEASON_AT, calibAt);
    const { calibQuantile, valueQuantile } = this.params;
    this.calib = new FeatureCalibration([valueQuantile, calibQuantile, calibQuantile, calibQuantile], this.store.subarray(calibAt, slowAt));
    this.slowCalib = this.params.slowSpan > 0 ? new FeatureCalibration([calibQuantile], this.store.subarray(slowAt, discordAt)) : null;
    const p = this.params;
    this.discord = p.discordBlock > 0
      ? new LeftDiscord(this.store, discordAt, p.discordBlock, p.discordLength, p.discordHistory, p.discordQuantile, p.discordEps, p.discordWarm, p.discordLagStep)
      : null;
    this.discordBlock = this.discord === null ? 0 : p.discordBlock;
    this.discAt = discordAt;
    this.discLeft = this.discord === null ? 0 : this.discordBlock - this.discord.pendingRows;
    this.aShort = 2 / (shortSpan + 1);
    this.aLong = 2 / (longSpan + 1);
    this.warmupRows = this.params.warmupRows;
    this.seasonWeight = this.params.seasonWeight;
    this.seasonGate = this.params.seasonGate;
    this.seasonGateInv = exactInverse(this.seasonGate);
    this.spatialTolerance = this.params.spatialTolerance;
    this.holdFrac = this.params.holdFrac;
    this.shortRecordTol = this.params.shortRecordTol;
    this.shortRecordQuietRows = this.params.shortRecordQuietRows;
    this.shortSpan = this.params.shortSpan;
    this.longSpan = this.params.longSpan;
    this.noveltyQuietRows = this.params.noveltyQuietRows;
    this.refractoryRows = this.params.refractoryRows;
    this.restRows = this.params.restRows;
    this.youthRows = this.params.youthRows;
    this.youthBar = this.params.youthBoost * this.params.youthRows;
    this.damped = this.params.smallSpikeMin > 0 || this.params.noveltyBudget > 0;
    this.slowLongSpan = p.slowLongSpan;
    this.slowWarmRows = p.slowWarmRows;
    this.aSlow = p.slowSpan > 0 ? 2 / (p.slowSpan + 1) : 0;
    this.aSlowLong = 2 / (p.slowLongSpan + 1);
    if (!store && p.slowSpan > 0) this.counts = 1;
  }

  /** Current long-run level (EW mean) of the series: the reference a deviation is measured from. */
  get level(): number {
    return this.mean;
  }

  /**
   * A copy of the whole state (version, params, scalars, seasonal ring, histograms, contexts), so an
   * hourly scan can store it and feed only the new points: fromState(toState()) continues exactly
   * like an unbroken run.
   */
  toState(): Float64Array {
    return this.exportState().slice();
  }

  /**
   * The whole state without a copy: this scorer's own storage, brought up to date. For a caller done
   * with the scorer (further pushes change the array returned).
   */
  exportState(): Float64Array {
    const out = this.store;
    const o = HEAD;
    out[o] = this.n; out[o + 1] = this.slot; out[o + 2] = this.mean; out[o + 3] = this.dev; out[o + 4] = this.dDev;
    out[o + 5] = this.sDev; out[o + 6] = this.short; out[o + 7] = this.prev; out[o + 8] = this.lo; out[o + 9] = this.hi;
    out[o + 10] = this.peak; out[o + 11] = this.sincePeak; out[o + 12] = this.sinceNovel;
    out[o + 13] = this.held; out[o + 14] = this.heldDev;
    out[o + 15] = this.shortHi; out[o + 16] = this.shortLo; out[o + 17] = this.sinceShortRecord;
    out[o + 18] = this.fdSpike; out[o + 19] = this.fdSpikes; out[o + 20] = this.shortSpike; out[o + 21] = this.shortSpikes;
    out[o + 22] = this.novelties; out[o + 23] = this.lastNovelty;
    out[o + 24] = this.sqMean; out[o + 25] = this.sqDev; out[o + 26] = this.sqSlow; out[o + 27] = this.counts;
    if (this.discord !== null) this.discord.pendingRows = this.discordBlock - this.discLeft;
    this.context.writeTo(out, out.length - this.context.size);
    return out;
  }

  /**
   * Whether a stored state was written by this version of the scorer and has the length its params
   * call for (an older or damaged one needs a rebuild).
   */
  /** The step (seconds) a stored state was written for (0: not time-aware). */
  static stepSecondsOf(state: Float64Array): number {
    return state[1 + PARAM_KEYS.indexOf('stepSeconds')];
  }

  static isCurrentState(state: Float64Array): boolean {
    if (state.length < HEAD + SCALARS || state[0] !== STATE_VERSION) return false;
    const p = paramsOf(state);
    return ContextNovelty.validLevels(p.contextLevels) && state.length === layoutOf(p).length;
  }

  /** A scorer continuing from a stored state (which is left unchanged). */
  static fromState(state: Float64Array): CausalScorer {
    return CausalScorer.adopt(state.slice());
  }

  /** Like fromState, but the scorer keeps `state` as its storage and changes it as it runs (no copy). */
  static adopt(state: Float64Array): CausalScorer {
    if (state[0] !== STATE_VERSION) throw new Error(`CausalScorer state version ${state[0]} is not ${STATE_VERSION}; rebuild baselines (--full)`);
    const s = new CausalScorer(paramsOf(state), state);
    const o = HEAD;
    s.n = state[o]; s.slot = state[o + 1]; s.mean = state[o + 2]; s.dev = state[o + 3]; s.dDev = state[o + 4];
    s.sDev = state[o + 5]; s.short = state[o + 6]; s.prev = state[o + 7]; s.lo = state[o + 8]; s.hi = state[o + 9];
    s.peak = state[o + 10]; s.sincePeak = state[o + 11]; s.sinceNovel = state[o + 12];
    s.held = state[o + 13]; s.heldDev = state[o + 14];
    s.shortHi = state[o + 15]; s.shortLo = state[o + 16]; s.sinceShortRecord = state[o + 17];
    s.fdSpike = state[o + 18]; s.fdSpikes = state[o + 19]; s.shortSpike = state[o + 20]; s.shortSpikes = state[o + 21];
    s.novelties = state[o + 22]; s.lastNovelty = state[o + 23];
    s.sqMean = state[o + 24]; s.sqDev = state[o + 25]; s.sqSlow = state[o + 26]; s.counts = state[o + 27];
    if (s.n > 0) s.rangeChanged();
    s.context.readFrom(state, state.length - s.context.size);
    return s;
  }

  /**
   * Scores values into out (same length); call repeatedly to stream consecutive chunks. `levels`, if
   * given, gets the level each value was scored against (`level` before its push). A caller's loop
   * over push() that V8 does not inline boxes the value and the score (two heap numbers per sample);
   * this loop does not.
   */
  scoreInto(values: Float64Array, out: Float64Array | Float32Array, levels?: Float64Array): void {
    // the discord's pass (see discordPass) needs the rows seen and the range before this chunk
    PASS[0] = this.n; PASS[1] = this.lo; PASS[2] = this.hi;
    if (this.counts > 0) {
      this.slowPass(values);
      this.scoreRows(values, out, levels, SLOW_RATIOS);
    } else {
      this.scoreRows(values, out, levels, null);
    }
    if (this.discordBlock > 0) this.discordPass(values, out);
  }

  /**
   * scoreInto()'s rows, in one loop with the scorer's per-row state in locals (written back at the
   * chunk's end): each row is one standardised deviation per feature, recorded in its own histogram
   * (causal-calibration.ts) and measured against its quantile, the context, the records; then the
   * winsorised EW updates, so one spike cannot blow up the scale; then the youth bar, the hold and
   * the suppression. Before, a row was step() (inlined here) calling advance() calling
   * FeatureCalibration.observe(): every row loaded and stored each field through its heap number and
   * checked every typed array again after each call (NAB and fleet scores, levels and states are the
   * same to the bit; ~1.45x the samples per second). The rare paths (an alarm or a held one, a wider
   * range, a quantile refresh) stay methods, with the fields they read brought up to date before the
   * call and those they change read back after. One large function: see the note at the end of this
   * module on why it is run once at load.
   */
  private scoreRows(values: Float64Array, out: Float64Array | Float32Array, levels: Float64Array | undefined, slow: Float64Array | null): void {
    const period = this.period, season = this.season, warmupRows = this.warmupRows;
    const aShort = this.aShort, aLong = this.aLong, longSpan = this.longSpan;
    const seasonGate = this.seasonGate, seasonGateInv = this.seasonGateInv, seasonWeight = this.seasonWeight;
    const shortRecordTol = this.shortRecordTol, shortRecordQuietRows = this.shortRecordQuietRows, shortSpan = this.shortSpan;
    const noveltyQuietRows = this.noveltyQuietRows, youthRows = this.youthRows, youthBar = this.youthBar;
    const calib = this.calib, h = calib.hist, d = calib.meta, context = this.context;
    const zs = this.z, rs = this.ratio;
    let n = this.n, slot = this.slot;
    let mean = this.mean, dev = this.dev, dDev = this.dDev, sDev = this.sDev, short = this.short, prev = this.prev;
    let lo = this.lo, hi = this.hi, rangeInv = this.rangeInv, spatialLo = this.spatialLo, spatialHi = this.spatialHi;
    let sinceNovel = this.sinceNovel, shortHi = this.shortHi, shortLo = this.shortLo, sinceShortRecord = this.sinceShortRecord;
    let sincePeak = this.sincePeak;
    // the latest row's first-difference deviation and ratios, for the alarm rows' methods (written to z and ratio before alarmRow)
    let z1 = zs[1], r0 = rs[0], r1 = rs[1], r2 = rs[2], r3 = rs[SEASON], rSlow = rs[SLOW];
    for (let i = 0; i < values.length; i++) {
      if (levels !== undefined) levels[i] = mean;
      // the slow view's ratio for this row, from slowPass (a count series' chunk), else as left (0)
      if (slow !== null) rSlow = slow[i];
      const x = values[i];
      if (x - x !== 0) {
        // a missing point keeps the seasonal ring on the clock: without a step here, every later "this
        // time yesterday" was the gap's length off for a day, and a normal daily peak after a gap scored
        // as news. Its slot keeps the value of a day before (in the first season, not yet written, the
        // last value). Its score is 0, nothing is learnt.
        if (period > 0 && n > 0) {
          if (n < period) season[slot] = prev;
          if (++slot === period) slot = 0;
        }
        out[i] = 0;
        continue;
      }
      const mean0 = mean;
      let best = 0;
      // a feature scores once warmupRows of its own values are recorded (the first two rows have none)
      if (n >= 2) {
        const scoring = n >= warmupRows + 2;
        // floor every scale at 1% of the range seen: noise-free series would otherwise divide by ~0
        const eps = 0.01 * (hi - lo) + 1e-9 * (Math.abs(mean) + 1);
        const inv = 1 / (dev * SQRT_PI_2 + eps);
        const dv = x - mean;
        const dd = x - prev;
        const ds = short + (x - short) * aShort - mean;
        const z0 = Math.abs(dv) * inv;
        z1 = Math.abs(dd) / (dDev * SQRT_PI_2 + eps);
        // x4 (as tuned): the short mean varies less than the value; this puts its quantile where the bins are fine
        const z2 = Math.abs(ds) * inv * 4;
        let mask = scoring ? 7 : 0;
        const seasonal = period > 0 && n >= 2 * period;
        let z3 = 0;
        if (seasonal) {
          z3 = (Math.abs(x - season[slot]) / (sDev * SQRT_PI_2 + eps)) / 4;
          if (n >= 2 * period + warmupRows) mask |= 1 << SEASON;
        }
        // the calibration (causal-calibration.ts): quantiles re-read every 16 rows or on a feature's first scored row
        const refresh = (n & 15) === 0;
        if (calib.needsPrepare(mask, refresh)) calib.prepare(seasonal ? 4 : 3, mask, refresh);
        // per feature: its ratio to its quantile (scored only), then it joins its histogram
        let scale = d[3];
        r0 = scoring && scale > 0 ? z0 * scale : 0;
        let b = ((z0 * BINS) / (z0 + BIN_C)) | 0;
        if (b >= BINS) b = BINS - 1;
        h[b]++;
        if (b < d[0]) d[1]++;
        d[2]++;
        scale = d[7];
        r1 = scoring && scale > 0 ? z1 * scale : 0;
        b = ((z1 * BINS) / (z1 + BIN_C)) | 0;
        if (b >= BINS) b = BINS - 1;
        h[BINS + b]++;
        if (b < d[4]) d[5]++;
        d[6]++;
        scale = d[11];
        r2 = scoring && scale > 0 ? z2 * scale : 0;
        b = ((z2 * BINS) / (z2 + BIN_C)) | 0;
        if (b >= BINS) b = BINS - 1;
        h[2 * BINS + b]++;
        if (b < d[8]) d[9]++;
        d[10]++;
        best = max(max(r0, r1), r2);
        if (seasonal) {
          scale = d[15];
          r3 = mask & (1 << SEASON) && scale > 0 ? z3 * scale : 0;
          b = ((z3 * BINS) / (z3 + BIN_C)) | 0;
          if (b >= BINS) b = BINS - 1;
          h[3 * BINS + b]++;
          if (b < d[12]) d[13]++;
          d[14]++;
          // once the seasonal residual scores, a small one damps the others (this time yesterday looked the same) and it joins them
          if (mask & (1 << SEASON)) {
            const gated = seasonGate > 0 ? best * min(1, seasonGateInv > 0 ? r3 * seasonGateInv : r3 / seasonGate) : best;
            best = max(r3 * seasonWeight, gated);
          }
        }
        best = max(best, rSlow);
        // (max(best, 0) is best; `if (outside) best = max(best, …)` boxed a heap number per sample)
        // the short mean beyond the range of short means seen by shortRecordTol of it after a quiet
        // spell without a new one; then that range widens to it (kept from the start, on every row)
        let shortRecord = false;
        if (shortRecordTol > 0) {
          const sm = ds + mean;
          const w = shortRecordTol * (shortHi - shortLo);
          shortRecord = (sm > shortHi + w || sm < shortLo - w) && sinceShortRecord >= shortRecordQuietRows;
          sinceShortRecord++;
          if (n >= shortSpan) {
            if (sm > shortHi) { shortHi = sm; sinceShortRecord = 0; }
            if (sm < shortLo) { shortLo = sm; sinceShortRecord = 0; }
          }
        }
        const outside = scoring && (x > spatialHi || x < spatialLo || shortRecord);
        best = max(best, outside ? NOVELTY_RATIO : 0);
        const novel = context.push(context.band((x - lo) * rangeInv));
        const quiet = sinceNovel >= noveltyQuietRows;
        sinceNovel = novel ? 0 : sinceNovel + 1;
        if (scoring && novel && quiet && NOVELTY_RATIO > best) best = NOVELTY_RATIO;
      }
      // the winsorised EW updates
      if (n === 0) {
        mean = x; short = x;
      } else {
        const a = n < longSpan ? 1 / (n + 1) : aLong;
        const clip = CLIP * dev || Infinity;
        const r = Math.max(-clip, Math.min(clip, x - mean));
        mean += a * r;
        dev += a * (Math.abs(r) - dev);
        dDev += a * (Math.min(CLIP * dDev || Infinity, Math.abs(x - prev)) - dDev);
        short += (x - short) * aShort;
        if (period > 0 && n >= period) sDev += a * (Math.min(CLIP * sDev || Infinity, Math.abs(x - season[slot])) - sDev);
      }
      if (period > 0) {
        season[slot] = x;
        if (++slot === period) slot = 0;
      }
      if (x < lo || x > hi) {
        if (x < lo) lo = x;
        if (x > hi) hi = x;
        this.lo = lo; this.hi = hi;
        this.rangeChanged();
        rangeInv = this.rangeInv; spatialLo = this.spatialLo; spatialHi = this.spatialHi;
      }
      prev = x;
      n++;
      if (n <= warmupRows) {
        out[i] = 0;
        continue;
      }
      const aged = n + youthRows;
      const bar = (best * aged) / (aged + youthBar);
      // a deviation that overflows (values near ±1.8e308) is as unusual as can be, not NaN
      let s = bar < 1e300 ? bar / (bar + 1) : 1;
      sincePeak++;
      // hold() only when there is something to hold or release, suppression only for an alarm (see suppress)
      if (this.held > 0 || s >= 0.5) {
        this.n = n; this.x = x; this.mean = mean; this.dDev = dDev; this.lo = lo; this.hi = hi;
        this.sinceShortRecord = sinceShortRecord; this.sincePeak = sincePeak;
        zs[1] = z1; rs[0] = r0; rs[1] = r1; rs[2] = r2; rs[SEASON] = r3; rs[SLOW] = rSlow;
        this.alarmRow(s, x - mean0, best);
        s = this.out;
        sincePeak = this.sincePeak;
      }
      out[i] = s;
    }
    this.n = n; this.slot = slot;
    this.mean = mean; this.dev = dev; this.dDev = dDev; this.sDev = sDev; this.short = short; this.prev = prev;
    this.lo = lo; this.hi = hi; this.rangeInv = rangeInv; this.spatialLo = spatialLo; this.spatialHi = spatialHi;
    this.sinceNovel = sinceNovel; this.shortHi = shortHi; this.shortLo = shortLo; this.sinceShortRecord = sinceShortRecord;
    this.sincePeak = sincePeak;
    zs[1] = z1; rs[0] = r0; rs[1] = r1; rs[2] = r2; rs[SEASON] = r3; rs[SLOW] = rSlow;
  }

  /** An alarm row or a held alarm's next: the hold, then the suppression; the score is left in `out` (a double returned from a call is boxed). */
  private alarmRow(raw: number, dev: number, best: number): void {
    const s = this.hold(raw, dev, best);
    this.out = s < 0.5 ? s : this.suppress(s);
  }

  /**
   * The left discord (causal-discord.ts), in its own pass over a chunk already scored: the valid rows
   * from the third on (as scoreRows() scores them) are summed a block at a time, with the rows seen and
   * the range of values before each row followed as scoreRows() keeps them (n, lo and hi at the chunk's
   * start, in PASS), and at a block's end the discord's deviation, once scoring, raises that row's score like
   * any deviation (youth bar, x / (x + 1)) but outside the alarm's hold and refractory rows. In the
   * per-row path instead, a sum and a countdown alone cost ~5 % of the scorer's time (the row's code
   * is large and any addition to it costs out of proportion); fed into the row's own score, NAB gave
   * 73.0 / 63.2 / 78.2, this way 72.9 / 63.0 / 78.2.
   */
  private discordPass(values: Float64Array, out: Float64Array | Float32Array): void {
    const st = this.store, a = this.discAt, block = this.discordBlock, discord = this.discord as LeftDiscord;
    let lo = PASS[1], hi = PASS[2];
    const scoringFrom = this.warmupRows + 2;
    let left = this.discLeft;
    let sum = st[a + DISC_SUM]; // added to in row order, so a chunk's split cannot change the rounding
    let seen = PASS[0];
    for (let i = 0; i < values.length; i++) {
      const x = values[i];
      if (x - x !== 0) continue;
      if (seen >= 2) {
        sum += x;
        if (--left === 0) {
          st[a + IN_MEAN] = sum / block;
          st[a + IN_RANGE] = hi - lo;
          sum = 0;
          left = block;
          discord.blockEnd();
          const r = st[a + OUT];
          if (r > 0 && seen >= scoringFrom) {
            const aged = seen + 1 + this.youthRows;
            const bar = (r * aged) / (aged + this.youthBar);
            const raw = bar < 1e300 ? bar / (bar + 1) : 1;
            if (raw > out[i]) out[i] = raw;
          }
        }
      }
      if (x < lo) lo = x;
      if (x > hi) hi = x;
      seen++;
    }
    st[a + DISC_SUM] = sum;
    this.discLeft = left;
  }

  /**
   * Feeds one value and returns its score; NaN and ±Infinity are missing points (score 0, nothing
   * learnt), which still take their row of the season.
   */
  push(x: number): number {
    // kept small, the value handed over in PUSH_IN: a push() V8 does not inline into the caller's loop
    // boxes the value and the score (~47 bytes of heap per sample)
    PUSH_IN[0] = x;
    this.pushIn();
    return this.out;
  }

  /** push()'s row (its value in PUSH_IN), scored as a chunk of one: scoreInto() runs the discord's pass over it. */
  private pushIn(): void {
    this.scoreInto(PUSH_IN, PUSH_OUT);
    this.out = PUSH_OUT[0];
  }

  /**
   * hold()'s first step with smallSpike* or noveltyBudget on (an alarm row, or a held alarm's next row):
   * returns the score to hold and suppress. A novelty over budget is scored as if it never was; a lesser
   * spike keeps its score for the hold and the suppression and leaves its damped score in dampedOut
   * for suppress() to emit should it alarm.
   */
  private dampen(raw: number, dev: number, best: number): number {
    this.dampedRaw = -0.5;
    if (raw < 0.5) return raw;
    // the step's size from its standardised deviation, on the scale as scoreRows() left it (the row's own
    // step is not kept: a field written per row costs more than this approximation)
    const eps = 0.01 * (this.hi - this.lo) + 1e-9 * (Math.abs(this.mean) + 1);
    const b2 = this.damp(best, dev, this.z[1] * (this.dDev * SQRT_PI_2 + eps));
    if (!(b2 < best)) return raw;
    const aged = this.n + this.youthRows;
    const bar = (b2 * aged) / (aged + this.youthBar);
    const r2 = bar < 1e300 ? bar / (bar + 1) : 1;
    if (this.lastNovelty === this.n) return r2; // the novelty budget dropped it (damp() marks the row)
    this.dampedRaw = raw;
    this.dampedOut = r2;
    return raw;
  }

  /**
   * The candidate's largest deviation after the two rules (see smallSpikeMin and noveltyBudget); keeps
   * their counts. Which deviation leads is worked out here, from the ratios scoreRows() left behind.
   */
  private damp(best: number, dev: number, diff: number): number {
    const p = this.params;
    const r = this.ratio;
    const n = this.n;
    const seasonal = this.period > 0 && n - 1 >= 2 * this.period + this.warmupRows;
    const g = seasonal ? Math.min(1, r[SEASON] / this.seasonGate) : 1;
    const v = r[0] * g, d = r[1] * g, sm = r[2] * g, se = seasonal ? r[SEASON] * this.seasonWeight : 0;
    const lead = Math.max(v, d, sm, se, r[SLOW]);
    if (best > lead + 1e-9) {
      // context novelty (or a record, which always counts) leads
      const record = this.x === this.hi || this.x === this.lo || this.sinceShortRecord === 0;
      if (record || !(p.noveltyBudget > 0)) return best;
      const onset = n - this.lastNovelty > 1;
      if (p.noveltyBudgetRows > 0 && this.lastNovelty >= 0) this.novelties *= Math.exp(-(n - this.lastNovelty) / p.noveltyBudgetRows);
      this.lastNovelty = n;
      const over = this.novelties >= p.noveltyBudget - 1e-9;
      if (onset) this.novelties++;
      return over ? best / NOVELTY_DROP : best;
    }
    // the slow view leads: a day-long elevation is no lesser spike
    if (r[SLOW] > 0 && r[SLOW] >= Math.max(v, d, sm, se)) return best;
    if (!(p.smallSpikeMin > 0)) return best;
    // the first difference leads when it beats the value and nothing beats it (ties go to the value)
    if (d > v && d >= sm && d >= se) {
      const size = Math.abs(diff);
      const small = this.fdSpikes >= p.smallSpikeMin && size < SMALL_SPIKE_REL * this.fdSpike;
      if (size >= this.fdSpike) this.fdSpike = size;
      this.fdSpikes++;
      return small ? best / SMALL_SPIKE_FACTOR : best;
    }
    if (sm > v && sm >= se) {
      const size = Math.abs(dev);
      const small = this.shortSpikes >= p.smallSpikeMin && size < SMALL_SPIKE_REL * this.shortSpike;
      if (size >= this.shortSpike) this.shortSpike = size;
      this.shortSpikes++;
      return small ? best / SMALL_SPIKE_FACTOR : best;
    }
    return best;
  }

  /**
   * A first-difference-only alarm scores just below 0.5 now and its score next row if the value
   * stays at least holdFrac as far from the mean on the same side (else the next row scores alone).
   */
  private hold(raw: number, dev: number, surprise: number): number {
    if (this.damped) raw = this.dampen(raw, dev, surprise);
    if (this.held > 0) {
      const h = this.heldDev;
      const persists = dev * h > 0 && Math.abs(dev) >= this.holdFrac * Math.abs(h);
      const out = persists && this.held > raw ? this.held : raw;
      this.held = 0;
      return out;
    }
    if (raw < 0.5 || this.holdFrac <= 0 || !this.firstDifferenceOnly(surprise)) return raw;
    this.held = raw;
    this.heldDev = dev;
    return HELD_SCORE;
  }

  /**
   * Whether the alarm just scored came from the first difference alone: it leads the deviations, the
   * value itself is within its quantile, this time yesterday was no different (a one-row spike on a
   * daily cycle is still news), and no new context or record value raised it. Worked out only for
   * alarms, from the ratios scoreRows() left behind, to keep the per-sample path as it was.
   */
  private firstDifferenceOnly(surprise: number): boolean {
    const r = this.ratio;
    const best = max(max(r[0], r[1]), r[2]);
    const seasonal = this.period > 0 && this.n - 1 >= 2 * this.period + this.warmupRows;
    return r[1] >= best && r[0] < 1 && !(r[SLOW] >= 1) && !(seasonal && r[SEASON] >= 1) && Math.abs(surprise - NOVELTY_RATIO) > 1e-9; // (max() rounds in the last bit)
  }

  /**
   * The slow view (see slowSpan) of a chunk, in a pass of its own before its rows are scored (in the
   * row's code it cost ~40 % of the scorer's time on a count series): for each valid row, while the
   * series is a count's, SLOW_RATIOS gets the excess of the slow mean of √x, x included, over the long
   * mean, in units of the long mean absolute deviation (floored at 1 % of √hi − √lo of the range
   * before the row), ×4 as the short mean's, over its calibration quantile (0 before it scores), and
   * the winsorised EW updates follow. From a value that is not a count on, the rows get 0 and the
   * series never again (counts = 0). The rows seen and the range are followed as scoreRows() keeps them.
   */
  private slowPass(values: Float64Array): void {
    if (SLOW_RATIOS.length < values.length) SLOW_RATIOS = new Float64Array(Math.max(values.length, 2 * SLOW_RATIOS.length));
    const buf = SLOW_RATIOS;
    const z = this.slowZ, ratio = this.slowRatio, calib = this.slowCalib as FeatureCalibration;
    const aSlow = this.aSlow, aLong = this.aSlowLong, longSpan = this.slowLongSpan;
    const scoringFrom = Math.max(this.warmupRows + 2, this.slowWarmRows);
    let n = this.n, lo = this.lo, hi = this.hi;
    let mean = this.sqMean, dev = this.sqDev, slow = this.sqSlow;
    let range = lo >= 0 && hi >= lo ? Math.sqrt(hi) - Math.sqrt(lo) : 0;
    let counts = true;
    let i = 0;
    for (; i < values.length; i++) {
      const x = values[i];
      buf[i] = 0;
      if (x - x !== 0) continue;
      if (!(x >= 0 && x === Math.floor(x))) {
        counts = false;
        break;
      }
      const y = Math.sqrt(x);
      if (n === 0) {
        mean = y; slow = y;
      } else {
        const s = slow + (y - slow) * aSlow;
        if (n >= 2) {
          const eps = 0.01 * range + 1e-9 * (mean + 1);
          z[0] = (max(s - mean, 0) / (dev * SQRT_PI_2 + eps)) * 4;
          calib.observe(z, 1, n >= scoringFrom ? 1 : 0, (n & 15) === 0, ratio);
          buf[i] = ratio[0];
        }
        const a = n < longSpan ? 1 / (n + 1) : aLong;
        const clip = CLIP * dev || Infinity;
        const r = Math.max(-clip, Math.min(clip, y - mean));
        mean += a * r;
        dev += a * (Math.abs(r) - dev);
        slow = s;
      }
      if (x < lo || x > hi) {
        if (x < lo) lo = x;
        if (x > hi) hi = x;
        range = Math.sqrt(hi) - Math.sqrt(lo);
      }
      n++;
    }
    for (; i < values.length; i++) buf[i] = 0;
    this.sqMean = mean; this.sqDev = dev; this.sqSlow = slow;
    if (!counts) this.counts = 0;
  }

  /** Scale of the context bands (1% wider than the range, like the deviations' floor) and the spatial bounds. */
  private rangeChanged(): void {
    const { lo, hi } = this;
    this.rangeInv = 1 / (1.01 * (hi - lo) + 1e-9 * (Math.abs(lo) + 1));
    if (this.spatialTolerance <= 0) return;
    const w = this.spatialTolerance * (hi - lo);
    this.spatialLo = lo - w;
    this.spatialHi = hi + w;
  }

  /**
   * One alarm per event: scores of 0.5 and more are alarms; after one, the next refractoryRows score 0
   * (unless BREAKTHROUGH stronger) and later ones must beat the alarm's linearly decaying peak. Lower
   * scores pass unchanged.
   */
  private suppress(raw: number): number {
    // (sincePeak is counted by the loop, for every scored row)
    if (this.peak > 0 && this.sincePeak <= this.refractoryRows && raw < this.peak + BREAKTHROUGH) return 0;
    if (raw <= this.peak * Math.max(0, 1 - this.sincePeak / this.restRows)) return 0;
    this.peak = raw;
    this.sincePeak = 0;
    // a lesser spike (see dampen): suppressed as scored, emitted damped (a held alarm's release in proportion)
    if (this.dampedRaw > 0) return raw === this.dampedRaw ? this.dampedOut : raw * (this.dampedOut / this.dampedRaw);
    return raw;
  }
}

/**
 * Larger (smaller) of two non-negative numbers without a branch: V8 compiles Math.max to compare and
 * jump, and which deviation is largest is a coin toss, so the jumps mispredict (measured: ~15% of the
 * scorer's time on the simulated fleet). Exact up to rounding.
 */
function max(a: number, b: number): number {
  return 0.5 * (a + b + Math.abs(a - b));
}

function min(a: number, b: number): number {
  return 0.5 * (a + b - Math.abs(a - b));
}

/** 1 / g if g is a power of two whose inverse is representable (x * (1 / g) === x / g for every x), else 0. */
function exactInverse(g: number): number {
  if (!(g > 0 && g < Infinity)) return 0;
  const k = Math.round(Math.log2(g));
  const inv = 2 ** -k;
  return g === 2 ** k && inv > 0 && inv < Infinity && inv * g === 1 ? inv : 0;
}

/** Scores a whole series with a fresh scorer. */
export function causalScore(values: Float64Array, params: Partial<CausalScoreParams> = {}): Float64Array {
  const out = new Float64Array(values.length);
  new CausalScorer(params).scoreInto(values, out);
  return out;
}

/** The params a state was written with; states of one run share them, so the last object is reused. */
let lastParams: { values: Float64Array; params: CausalScoreParams } | undefined;
function paramsOf(state: Float64Array): CausalScoreParams {
  const last = lastParams;
  if (last) {
    let same = true;
    for (let i = 0; i < PARAM_KEYS.length && same; i++) same = Object.is(last.values[i], state[1 + i]);
    if (same) return last.params;
  }
  const params = Object.fromEntries(PARAM_KEYS.map((k, i) => [k, state[1 + i]])) as unknown as CausalScoreParams;
  lastParams = { values: state.slice(1, HEAD), params };
  return params;
}

/**
 * Where the parts of a state start: head and scalars, the seasonal ring from SEASON_AT (one season
 * at the series' step, period 0 and one unused entry when too short or too long), the calibration,
 * the left discord (when enabled), the contexts; and its length.
 */
function layoutOf(p: CausalScoreParams): { period: number; calibAt: number; slowAt: number; discordAt: number; contextAt: number; length: number } {
  const rows = p.stepSeconds > 0 ? Math.round(p.seasonSeconds / p.stepSeconds) : 0;
  const period = rows >= 2 && rows <= p.maxSeasonRows ? rows : 0;
  const calibAt = SEASON_AT + Math.max(1, period);
  const slowAt = calibAt + FeatureCalibration.sizeFor(FEATURES);
  const discordAt = slowAt + (p.slowSpan > 0 ? FeatureCalibration.sizeFor(1) : 0);
  const contextAt = discordAt + (p.discordBlock > 0 ? LeftDiscord.sizeFor(p.discordHistory) : 0);
  return { period, calibAt, slowAt, discordAt, contextAt, length: contextAt + ContextNovelty.sizeFor(p.contextLevels) };
}

/**
 * The scorer's loop (scoreRows) run at load on short series that take each of its paths (missing
 * and infinite values, alarms, a held alarm, levels or not, both kinds of output array, a count
 * series' slow view or none, a scorer restored from a state). The loop is one large function that runs a whole chunk per call: should V8
 * optimise it before a path was ever taken (it compiles an untaken path to a deoptimisation, here
 * the alarm rows' methods inlined into the loop), the first row on that path deoptimised it, and V8
 * then ran it for the rest of the process as on-stack-replaced code entered at every call, ~45-55 %
 * slower (about one run in three of bench/detect-core.ts, at its first alarm). ~1 ms, once; the
 * scores are discarded.
 */
{
  const rows = 700;
  const v = new Float64Array(rows);
  for (let i = 0; i < rows; i++) v[i] = 10 + Math.sin(i / 3) + (i % 7) * 0.1;
  v[200] = NaN; v[201] = Infinity; v[400] = 80; v[500] = -60; v[520] = 30; v[600] = 200; v[601] = 10;
  // and a count series (the slow view's chunks: see slowPass)
  const counts = v.map((x, i) => (x - x === 0 ? Math.abs(Math.round(x)) : i % 2 ? NaN : Infinity));
  const out64 = new Float64Array(rows), out32 = new Float32Array(rows), levels = new Float64Array(rows);
  for (let k = 0; k < 3; k++) {
    new CausalScorer({ stepSeconds: 300, seasonSeconds: 3000 }).scoreInto(counts, out64, levels);
    new CausalScorer({ stepSeconds: 300, seasonSeconds: 3000 }).scoreInto(counts, out32);
    new CausalScorer({ stepSeconds: 300, seasonSeconds: 3000 }).scoreInto(v, out64, levels);
    new CausalScorer({ stepSeconds: 300, seasonSeconds: 3000 }).scoreInto(v, out32);
    const s = new CausalScorer({ stepSeconds: 300, seasonSeconds: 3000 });
    s.scoreInto(v.subarray(0, 350), out64);
    CausalScorer.fromState(s.toState()).scoreInto(v.subarray(350), out64, levels);
  }
}
