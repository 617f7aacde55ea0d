/** The simulated fleet: public API. */
export { createSimulatedFleet, DEFAULT_END_MS, type SimulatedFleet, type SimulatedFleetOptions } from './fleet.js';
export { createSimulatedAdapters, queryMetrics, type SimulatedAdapters } from './adapters.js';
export { exportOpenMetrics, EXPORT_PROMQL_HINTS, EXPORT_RATE_WINDOW, promqlFor, type OpenMetricsExportOptions, type OpenMetricsExportStats } from './openmetrics-export.js';
export { CERTIFICATES, ENTITY_SIGNALS, NODE_SIGNALS, POD_SIGNALS, type EntityRef, type EntitySignal, type NodeSignal } from './entity-series.js';
export { DEFAULT_SCENARIOS, randomScenarios } from './scenario-sets.js';
export {
  CONFOUNDER_KINDS, FAILURE_MODES, SCENARIO_KINDS,
  type ConfounderKind, type Direction, type RootCause, type ScenarioInstance, type ScenarioKind, type ScenarioSpec, type Symptom,
} from './scenario-types.js';
