/** Evidence collectors: immutable, content-addressed rows from every read port, bounded per group. */
export { evidenceRow, stableJson, type EvidenceDraft } from './evidence-row.js';
export { evidencePlan, type EvidencePlan } from './evidence-plan.js';
export { nodeMetricEvidence, podMetricEvidence, goldenMetricEvidence, type MetricShift } from './metrics-evidence.js';
export { eventEvidence, logEvidence, changeEvidence } from './source-evidence.js';
export { topologyEvidence, attributeEvidence } from './topology-evidence.js';
export { feedbackEvidence } from './feedback-evidence.js';
