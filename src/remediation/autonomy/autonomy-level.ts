import type { AutonomyLevel, AutonomyRule, RemediationConfig } from '../remediation-config.js';

export interface AutonomyScope {
  operation: string;
  environment: string;
  tier: string;
}

/** A recorded automatic demotion; it holds until config sets a level above `configLevel` (promotion by config only). */
export interface Demotion {
  level: AutonomyLevel;
  /** The configured level when the demotion happened. */
  configLevel: AutonomyLevel;
  atMs: number;
  proposalId: string;
  reason: string;
}

function specificity(rule: AutonomyRule): number {
  return (rule.operation === '*' ? 0 : 4) + (rule.environment === '*' ? 0 : 2) + (rule.tier === '*' ? 0 : 1);
}

function matches(rule: AutonomyRule, scope: AutonomyScope): boolean {
  return (rule.operation === '*' || rule.operation === scope.operation)
    && (rule.environment === '*' || rule.environment === scope.environment)
    && (rule.tier === '*' || rule.tier === scope.tier);
}

/** The configured level: the most specific matching rule; among equally specific ones, the lowest level. */
export function configuredLevel(autonomy: RemediationConfig['autonomy'], scope: AutonomyScope): AutonomyLevel {
  let best: AutonomyRule | undefined;
  for (const rule of autonomy.rules) {
    if (!matches(rule, scope)) continue;
    const better = !best || specificity(rule) > specificity(best) || (specificity(rule) === specificity(best) && rule.level < best.level);
    if (better) best = rule;
  }
  return best?.level ?? autonomy.defaultLevel;
}

/** Config level lowered by a standing demotion; a config level raised since the demotion clears it. */
export function effectiveLevel(configLevel: AutonomyLevel, demotion: Demotion | undefined): AutonomyLevel {
  if (!demotion || configLevel > demotion.configLevel) return configLevel;
  return Math.min(configLevel, demotion.level) as AutonomyLevel;
}

export function demotedLevel(level: AutonomyLevel): AutonomyLevel {
  return Math.max(0, level - 1) as AutonomyLevel;
}
