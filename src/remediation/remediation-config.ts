import { z } from 'zod';
import { SAFE_OPERATION_IDS } from './catalog/safe-operation-schema.js';
import { ChangeFreezeWindow } from './guardrails/guardrail-state.js';

export { ChangeFreezeWindow };

/** 0 suggest only, 1 one approval, 2 two approvals, 3 automatic with notice. */
export const AUTONOMY_LEVELS = [0, 1, 2, 3] as const;
export type AutonomyLevel = (typeof AUTONOMY_LEVELS)[number];

const Level = z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]);
const SlackUserId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'a Slack user id such as U012ABCDEF');

/** One autonomy rule; `*` matches anything. The most specific matching rule wins (operation > environment > tier). */
export const AutonomyRule = z.strictObject({
  operation: z.enum([...SAFE_OPERATION_IDS, '*']).default('*'),
  environment: z.string().min(1).default('*'),
  tier: z.string().min(1).default('*'),
  level: Level,
});
export type AutonomyRule = z.infer<typeof AutonomyRule>;


/**
 * The `remediation` config section. Defaults are safe: an empty allowlist means nobody can
 * approve, so nothing executes until people are named here and in the Slack groups.
 */
export const RemediationConfig = z.strictObject({
  /** Channel for proposals without an incident thread. */
  channel: z.string().min(1).default('#fleet-remediation'),
  approvers: z.strictObject({
    /** Slack user group (id, e.g. S0ONCALL) whose members give the first approval. */
    onCallGroup: z.string().min(1).default('S-ONCALL'),
    /** Slack user group whose members give the second approval where two are required. */
    managerGroup: z.string().min(1).default('S-MANAGERS'),
    /** Only these users may ever approve, whatever the groups say. */
    allowlist: z.array(SlackUserId).default([]),
  }).prefault({}),
  /** Slack user ids of fleetops itself (never count as approvers). */
  botUserIds: z.array(z.string().min(1)).default([]),
  expiryMinutes: z.number().int().min(1).max(24 * 60).default(30),
  /** How long after expiry an approval given in time may still start execution. */
  executionGraceMinutes: z.number().int().min(0).max(120).default(10),
  /** How long the symptom may take to recover after execution before rolling back. */
  verifyWindowMinutes: z.number().int().min(1).max(24 * 60).default(15),
  leaseTtlSeconds: z.number().int().min(5).max(3600).default(60),
  /** Attempts for an execution that throws (not a refusal), or whose run stopped during it, before it is rolled back. */
  maxExecutionAttempts: z.number().int().min(1).max(10).default(3),
  /**
   * How long an execution (or a rollback) may stay in progress elsewhere (an Argo Workflow Pending
   * or Running), from when it started, before fleetops stops waiting: it asks the executor to stop
   * it and handles it as failed (rolled back once stopped where possible), or leaves it to a person.
   */
  maxInProgressMinutes: z.number().int().min(5).max(7 * 24 * 60).default(60),
  autonomy: z.strictObject({
    defaultLevel: Level.default(1),
    rules: z.array(AutonomyRule).default([]),
  }).prefault({}),
  /** Change-freeze windows, in the guardrails' shape: pass them as `GuardrailState.freezeWindows`. */
  changeFreeze: z.array(ChangeFreezeWindow).default([]),
  feedbackLookbackDays: z.number().int().min(1).max(90).default(14),
  /**
   * A proposal's thread that conversations.history shows unchanged since its last read (same reply
   * count and latest reply) is read again only once in this many minutes (edits and reactions
   * change neither). 0 reads every open thread on every run.
   */
  threadRecheckMinutes: z.number().int().min(0).max(24 * 60).default(10),
});
export type RemediationConfig = z.infer<typeof RemediationConfig>;

/** The freeze window covering `nowMs` for a cluster in an environment, if any (for messages; the guardrail enforces). */
export function activeChangeFreeze(config: RemediationConfig, target: { cluster: string; environment: string }, nowMs: number): ChangeFreezeWindow | undefined {
  return config.changeFreeze.find((w) => Date.parse(w.startsAt) <= nowMs && nowMs < Date.parse(w.endsAt)
    && (!w.environments?.length || w.environments.includes(target.environment))
    && (!w.clusters?.length || w.clusters.includes(target.cluster)));
}
