import { z } from 'zod';
import type { Store } from '../../adapters/store/types.js';
import type { RemediationConfig } from '../remediation-config.js';
import { configuredLevel, demotedLevel, effectiveLevel, type AutonomyScope, type Demotion } from './autonomy-level.js';

const DemotionRecord = z.strictObject({
  level: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]),
  configLevel: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]),
  atMs: z.number(),
  proposalId: z.string(),
  reason: z.string(),
});

/** Key in the store's key-value table (one row per operation × environment × tier). */
export function demotionKey(scope: AutonomyScope): string {
  return `autonomy-demotion:${scope.operation}|${scope.environment}|${scope.tier}`;
}

export async function loadDemotion(store: Store, scope: AutonomyScope): Promise<Demotion | undefined> {
  const found = await store.baselines.get(demotionKey(scope));
  if (!found) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(found.state));
  } catch {
    raw = undefined;
  }
  const parsed = DemotionRecord.safeParse(raw);
  // An unreadable record must not silently restore autonomy: treat it as a demotion to suggest-only.
  return parsed.success ? parsed.data : { level: 0, configLevel: 3, atMs: found.updatedAtMs, proposalId: 'unknown', reason: 'unreadable demotion record' };
}

/** The level that applies now: config, lowered by any standing demotion. */
export async function resolveAutonomy(store: Store, config: RemediationConfig, scope: AutonomyScope): Promise<{ level: Demotion['level']; configLevel: Demotion['level']; demotion?: Demotion }> {
  const configLevel = configuredLevel(config.autonomy, scope);
  const demotion = await loadDemotion(store, scope);
  return { level: effectiveLevel(configLevel, demotion), configLevel, demotion };
}

/**
 * Makes the scope one step stricter (demotedLevel) after a failed or rolled-back execution, records it and
 * audits it. Idempotent per proposal: a proposal demotes at most once.
 */
export async function demote(store: Store, config: RemediationConfig, scope: AutonomyScope, proposalId: string, reason: string, nowMs: number): Promise<Demotion | undefined> {
  const current = await resolveAutonomy(store, config, scope);
  if (current.demotion?.proposalId === proposalId) return undefined;
  const record: Demotion = { level: demotedLevel(current.level), configLevel: current.configLevel, atMs: nowMs, proposalId, reason };
  await store.baselines.put(demotionKey(scope), new TextEncoder().encode(JSON.stringify(record)), nowMs, nowMs);
  await store.audit.append({ atMs: nowMs, actor: 'fleetops', action: 'autonomy.demoted', subject: proposalId, details: { ...scope, from: current.level, to: record.level, reason } });
  return record;
}
