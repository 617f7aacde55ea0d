export { autonomyRank, configuredLevel, effectiveLevel, demotedLevel, LEVEL_NAMES } from './autonomy-level.js';
export type { AutonomyScope, Demotion } from './autonomy-level.js';
export { demote, demotionKey, loadDemotion, resolveAutonomy } from './demotions.js';
