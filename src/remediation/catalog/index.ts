export {
  SAFE_OPERATION_IDS, RISK_LEVELS, TARGET_KINDS, GUARDRAIL_IDS, ParameterSpec, SafeOperation, SafeOperationCatalog,
  findOperation,
} from './safe-operation-schema.js';
export type { SafeOperationId, RiskLevel, TargetKind, GuardrailId } from './safe-operation-schema.js';
export { loadSafeOperationCatalog, parseSafeOperationCatalog, defaultSafeOperationCatalogPath } from './load-safe-operation-catalog.js';
export { ParameterBound, ParameterBounds, validateParameters, validateParameterBounds } from './validate-parameters.js';
