import { describe, expect, it } from 'vitest';
import type { Adapters } from '../../src/adapters/index.js';
import { wireGuardrailGate } from '../../src/cli/commands/proposals-wiring.js';
import type { AppContext } from '../../src/cli/app-context.js';
import { fixedClock } from '../../src/core/clock.js';
import { FleetopsConfig } from '../../src/core/config/schema.js';
import { silentLogger } from '../../src/core/logger.js';
import { findOperation } from '../../src/remediation/catalog/safe-operation-schema.js';
import { loadSafeOperationCatalog } from '../../src/remediation/catalog/index.js';

describe('the guardrail gate the digest is wired with', () => {
  it('leaves the guardrails unevaluated, not the digest failed, when its job cannot set up the executor (no Argo token here)', async () => {
    const config = FleetopsConfig.parse({ clusterOps: { kind: 'argo-workflows', argoWorkflows: { url: 'https://argo.example', namespace: 'ops', workflowTemplate: 'fleetops-op', tokenEnv: 'ARGO_TOKEN' } } });
    const app: AppContext = { config, logger: silentLogger, clock: fixedClock(Date.UTC(2026, 11, 1)), env: {}, outDir: '/tmp' };
    const adapters = { clusterOps: () => { throw new Error('clusterOps.argoWorkflows.tokenEnv: ARGO_TOKEN is not set'); } } as unknown as Adapters;
    const op = findOperation(loadSafeOperationCatalog(), 'rollout-restart')!;

    // before: the gate read the executor when it was built, and the digest command failed with it
    const gate = wireGuardrailGate(app, adapters);
    const verdict = await gate.check(op, { operationId: 'p1', operation: 'rollout-restart', target: { cluster: 'c1', kind: 'Deployment', namespace: 'kube-system', name: 'coredns' }, params: {} }, 'proposal');

    expect(verdict.ok).toBe(false);
    expect(verdict.unevaluated).toEqual(['guardrail-check']);
    expect(verdict.failures[0].reason).toContain('ARGO_TOKEN is not set');
  });
});
