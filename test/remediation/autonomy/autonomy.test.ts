import { describe, expect, it } from 'vitest';
import { configuredLevel, demotedLevel, effectiveLevel } from '../../../src/remediation/autonomy/autonomy-level.js';
import { demote, resolveAutonomy } from '../../../src/remediation/autonomy/demotions.js';
import { RemediationConfig } from '../../../src/remediation/remediation-config.js';
import { auditOf, openStore, T0 } from '../proposals/harness.js';

const autonomy = RemediationConfig.parse({
  autonomy: {
    defaultLevel: 1,
    rules: [
      { environment: 'dev', level: 3 },
      { operation: 'evict-pod', level: 2 },
      { operation: 'evict-pod', environment: 'dev', tier: 'tier-2', level: 3 },
      { operation: 'rollout-restart', environment: 'prod', level: 0 },
      { operation: 'rollout-restart', environment: 'prod', level: 2 },
    ],
  },
}).autonomy;

describe('configuredLevel', () => {
  it.each([
    ['scale-workload', 'prod', 'tier-1', 1],
    ['scale-workload', 'dev', 'tier-1', 3],
    ['evict-pod', 'dev', 'tier-1', 2],
    ['evict-pod', 'dev', 'tier-2', 3],
    ['rollout-restart', 'prod', 'tier-0', 0],
  ])('%s in %s/%s → %i', (operation, environment, tier, level) => {
    expect(configuredLevel(autonomy, { operation, environment, tier })).toBe(level);
  });
});

describe('effectiveLevel', () => {
  // level 2 (two approvals) is stricter than level 1 (one approval): strictness is 0 < 2 < 1 < 3
  const fromOne = { level: 2 as const, configLevel: 1 as const, atMs: 0, proposalId: 'p', reason: 'failed' };
  const fromAutomatic = { level: 1 as const, configLevel: 3 as const, atMs: 0, proposalId: 'p', reason: 'failed' };
  it.each([
    [2, undefined, 2], [1, fromOne, 2], [2, fromOne, 2], [0, fromOne, 0], [3, fromOne, 3],
    [3, fromAutomatic, 1], [2, fromAutomatic, 2],
  ] as const)('config %i with %j → %i', (config, d, expected) => {
    expect(effectiveLevel(config, d)).toBe(expected);
  });
});

describe('demotedLevel', () => {
  it.each([[3, 1], [1, 2], [2, 0], [0, 0]] as const)('makes level %i one step stricter: %i (never fewer approvals)', (level, expected) => {
    expect(demotedLevel(level)).toBe(expected);
  });
});

describe('demote', () => {
  it('makes the scope one step stricter, records and audits it, once per proposal; a more autonomous config level promotes again', async () => {
    const store = await openStore();
    const config = RemediationConfig.parse({ autonomy: { defaultLevel: 1 } });
    const scope = { operation: 'evict-pod', environment: 'prod', tier: 'tier-1' };

    const first = await demote(store, config, scope, 'p1', 'rolled-back', T0);
    const again = await demote(store, config, scope, 'p1', 'rolled-back', T0);
    const second = await demote(store, config, scope, 'p2', 'failed', T0);

    expect(first?.level).toBe(2);
    expect(again).toBeUndefined();
    expect(second?.level).toBe(0);
    expect((await resolveAutonomy(store, config, scope)).level).toBe(0);
    expect((await auditOf(store)).map((e) => [e.action, e.details.from, e.details.to])).toEqual([['autonomy.demoted', 1, 2], ['autonomy.demoted', 2, 0]]);
    const promoted = RemediationConfig.parse({ autonomy: { defaultLevel: 3 } });
    expect((await resolveAutonomy(store, promoted, scope)).level).toBe(3);
  });
});

describe('remediation config', () => {
  it('accepts freeze windows in the guardrails shape and finds the active one', async () => {
    const { activeChangeFreeze } = await import('../../../src/remediation/remediation-config.js');
    const config = RemediationConfig.parse({ changeFreeze: [{ startsAt: '2026-11-30T08:00:00Z', endsAt: '2026-11-30T12:00:00Z', reason: 'Black Friday', environments: ['prod'] }] });

    expect(activeChangeFreeze(config, { cluster: 'c1', environment: 'prod' }, T0)?.reason).toBe('Black Friday');
    expect(activeChangeFreeze(config, { cluster: 'c1', environment: 'dev' }, T0)).toBeUndefined();
  });

  it.each([
    [{ approvers: { allowlist: ['not-a-user'] } }, 'approvers.allowlist.0'],
    [{ autonomy: { defaultLevel: 4 } }, 'autonomy.defaultLevel'],
    [{ autonomy: { rules: [{ operation: 'delete-namespace', level: 3 }] } }, 'autonomy.rules.0.operation'],
    [{ changeFreeze: [{ startsAt: '2026-11-30T12:00:00Z', endsAt: '2026-11-30T08:00:00Z', reason: 'x' }] }, 'changeFreeze.0.endsAt'],
    [{ surprise: true }, ''],
  ])('rejects %j naming %s', (raw, path) => {
    const result = RemediationConfig.safeParse(raw);

    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path.join('.')).toBe(path);
  });
});
