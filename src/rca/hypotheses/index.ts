/** Hypotheses: candidates from the graph walk, attributes, runbooks and feedback, scored by evidence. */
export { analyseGroup, incidentSignature, type AnalyseContext, type RcaResult } from './analyse-group.js';
export type { Claim, Hypothesis } from './hypothesis.js';
export { readFacts, type Facts } from './evidence-facts.js';
export { createMetricRanker, type MetricRanker } from './metric-ranker.js';
export type { ProposedOperation, RunbookRef } from './remediation.js';
