/** Correlation: severe findings → incident groups (time overlap + over-represented shared attributes). */
export { correlate } from './correlate.js';
export type { CorrelateOptions, IncidentGroup, SharedAttribute } from './incident-group.js';
export { clusterAttributes, attributeCounts } from './cluster-attributes.js';
export { maintenanceWindows } from './maintenance-windows.js';
export { insideMaintenance, MAINTENANCE_GRACE_MS } from './episodes.js';
