import { describe, expect, it } from 'vitest';
import type { OperationRequest } from '../../src/adapters/cluster-ops/types.js';
import { findOperation, loadSafeOperationCatalog } from '../../src/remediation/catalog/index.js';
import { checkGuardrails, type GuardrailState } from '../../src/remediation/guardrails/index.js';
import { activeChangeFreeze, RemediationConfig, type ChangeFreezeWindow } from '../../src/remediation/remediation-config.js';
import { healthyWorld, readerOf } from './guardrails/world.js';

const NOW = Date.parse('2025-06-02T10:00:00Z');
const req: OperationRequest = { operationId: 'p1', operation: 'rollout-restart', target: { cluster: 'cluster-a', kind: 'Deployment', namespace: 'shop', name: 'web' }, params: {} };

async function freezeFailure(window: ChangeFreezeWindow): Promise<string | undefined> {
  const state: GuardrailState = { nowMs: NOW, reader: readerOf(healthyWorld()), recentOperations: [], freezeWindows: [window], argoCdConfigured: false, cluster: { environment: 'prod' } };
  const verdict = await checkGuardrails(findOperation(loadSafeOperationCatalog(), 'rollout-restart')!, req, state);
  return verdict.failures.find((f) => f.guardrail === 'change-freeze')?.reason;
}

const base = { startsAt: '2025-06-01T00:00:00Z', endsAt: '2025-06-03T00:00:00Z', reason: 'release week' };

describe('safety review: a change-freeze window with an empty cluster or environment list', () => {
  it.each([
    ['clusters: []', { ...base, clusters: [] }],
    ['environments: []', { ...base, environments: [] }],
    ['clusters: [] and environments: [prod]', { ...base, clusters: [], environments: ['prod'] }],
  ])('%s covers the cluster, as the config helper says (empty is the default: all)', async (_name, window) => {
    const config = RemediationConfig.parse({ changeFreeze: [window] });

    const failure = await freezeFailure(window);

    // before: the guardrail read an empty list as "no cluster", so the operation ran inside the freeze
    expect(activeChangeFreeze(config, { cluster: 'cluster-a', environment: 'prod' }, NOW)?.reason).toBe('release week');
    expect(failure).toBe('change freeze until 2025-06-03T00:00:00Z: release week');
  });
});
