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

/**
 * Levels from strictest to most autonomous: 0 suggest only, 2 two approvals, 1 one approval,
 * 3 automatic. The numbers are the names, not an order: level 2 needs more people than 1,
 * so "lower" and "stricter" are compared by this rank, never by the number.
 */
const BY_STRICTNESS: readonly AutonomyLevel[] = [0, 2, 1, 3];
/** What each level means, for people reading the thread. */
export const LEVEL_NAMES: Record<AutonomyLevel, string> = { 0: 'suggest only', 1: 'one approval', 2: 'two approvals', 3: 'automatic with notice' };
export const autonomyRank = (level: AutonomyLevel): number => BY_STRICTNESS.indexOf(level);
const stricter = (a: AutonomyLevel, b: AutonomyLevel): AutonomyLevel => (autonomyRank(a) <= autonomyRank(b) ? a : b);

/** The configured level: the most specific matching rule; among equally specific ones, the strictest. */
export function configuredLevel(autonomy: RemediationConfig['autonomy'], scope: AutonomyScope): AutonomyLevel {
  let best: AutonomyRule | undefined;
  for (const rule of autonomy.rules) {
    if (!matches(rule, scope)) continue;
    const better = !best || specificity(rule) > specificity(best) || (specificity(rule) === specificity(best) && autonomyRank(rule.level) < autonomyRank(best.level));
    if (better) best = rule;
  }
  return best?.level ?? autonomy.defaultLevel;
}

/** Config level made stricter by a standing demotion; a config level raised (more autonomous) since the demotion clears it. */
export function effectiveLevel(configLevel: AutonomyLevel, demotion: Demotion | undefined): AutonomyLevel {
  if (!demotion || autonomyRank(configLevel) > autonomyRank(demotion.configLevel)) return configLevel;
  return stricter(configLevel, demotion.level);
}

/** One step stricter: automatic → one approval → two approvals → suggest only. */
export function demotedLevel(level: AutonomyLevel): AutonomyLevel {
  return BY_STRICTNESS[Math.max(0, autonomyRank(level) - 1)];
}
