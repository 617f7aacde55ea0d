export { CausalScorer, causalScore, DEFAULT_CAUSAL_PARAMS, type CausalScoreParams } from './causal-score.js';
export {
  detectChangePoints, robustLevel, DEFAULT_CHANGE_POINT_OPTIONS, type ChangePoint, type ChangePointOptions,
} from './change-point.js';
export { detectDips, DEFAULT_BURN_RULES, type BurnRule, type Dip, type DipOptions } from './dips.js';
export { DipTracker, type DipTrackerOptions, type TrackedDip } from './dip-tracker.js';
export {
  collectPeerSamples, computePeerStats, finalizePeerStats, findPeerOutliers, mergePeerSamples, scorePeerOutliers,
  type GroupStats, type PeerOutlier, type PeerSamples, type PeerStats,
} from './peer-outliers.js';
export { SeasonalBaseline, type SeasonalBaselineOptions } from './seasonal-baseline.js';
export { calcSweepScore, probationLength, scaledSigmoid, scoreAtThreshold, type CostMatrix, type FileScore, type SweepRows } from './nab/nab-sweeper.js';
export { normaliseScore, nullScore, optimizeThreshold, thresholdCurve, type ScoredFile, type ThresholdCurve } from './nab/nab-optimizer.js';
