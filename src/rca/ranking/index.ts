export { rankRootCauses } from './rank-root-causes.js';
export { rankGraphCandidates, type GraphCandidatesInput } from './rank-graph-candidates.js';
export {
  DEFAULT_RANK_PARAMS, type NodeSeries, type RankInput, type RankParams, type RankResult, type RankedCause, type SymptomRef,
} from './rank-types.js';
