export * from './vocabulary.js';
export {
  Symptom, PropagationEdge, FailureMode, FailureModeGroupEntry, FailureModel, listFailureModes, symptomKey,
} from './failure-model-schema.js';
export type { FailureModelSource, LoadedFailureModel } from './failure-model-schema.js';
export { loadFailureModel, parseFailureModel, defaultFailureModelPath } from './load-failure-model.js';
export { walkCauses } from './walk-causes.js';
export type { CauseCandidate, WalkOptions } from './walk-causes.js';
