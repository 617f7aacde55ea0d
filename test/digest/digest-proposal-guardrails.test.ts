import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FleetopsConfig } from '../../src/core/config/schema.js';
import { silentLogger } from '../../src/core/logger.js';
import { runJob } from '../../src/core/run-job.js';
import { availabilityDigestJob } from '../../src/digest/availability-digest-job.js';
import type { OperationRequest } from '../../src/adapters/cluster-ops/types.js';
import { checkGuardrails, type ClusterReader } from '../../src/remediation/guardrails/index.js';
import { createGuardrailGate, type GuardrailGate } from '../../src/remediation/proposals/guardrail-gate.js';
import { healthyWorld, readerOf } from '../remediation/guardrails/world.js';
import { constantMetrics, DAY, dipFindings, END_MS, handEngine, harness, type Harness } from './digest-fixtures.js';

const ROLLOUT = { id: 'rollout-restart', target: { cluster: 'c-eu-west-1-0002', kind: 'Deployment', namespace: 'kube-system', name: 'coredns' }, params: {} };
const FREEZE = { guardrail: 'change-freeze', reason: 'change freeze until 2026-12-01T00:00:00Z: year-end freeze' };

let h: Harness | undefined;
afterEach(async () => {
  await h?.store.close();
  h = undefined;
});

/** A gate that refuses while `refusing` holds, recording each check's phase. */
function gate(refusing: () => boolean): GuardrailGate & { phases: string[] } {
  const phases: string[] = [];
  return { phases, async check(_op, _req, phase) { phases.push(phase); return refusing() ? { ok: false, failures: [FREEZE] } : { ok: true, failures: [] }; } };
}

async function digest(hh: Harness, guardrails: GuardrailGate) {
  hh.deps.config = FleetopsConfig.parse({});
  const engine = handEngine({ excerpt: () => 'availability fell to 97.0%', rca: (_g, _e, i) => (i === 2 ? { operation: ROLLOUT } : {}) });
  return runJob({ job: 'availability-digest', logger: silentLogger, clock: hh.clock, deadlineSeconds: 600, store: hh.store }, async (ctx) => (
    availabilityDigestJob(hh.deps, ctx, { day: DAY, endMs: END_MS, engine, concurrency: 1, guardrails })
  ));
}

describe('a digest proposal its guardrails refuse at proposal time', () => {
  it('is not offered for approval: no proposal row, the group says why, the refusal is audited once over reruns, and a later run proposes once they pass', async () => {
    h = await harness({ findings: dipFindings(3, 1), clusterCount: 4, metrics: constantMetrics(() => 0.9) });
    let frozen = true;
    const g = gate(() => frozen);

    const first = await digest(h, g);
    await digest(h, g);

    // before: the digest recorded and posted the proposal for approval; the freeze refused it only at execution
    expect(first.exitCode).toBe(0);
    expect(g.phases).toEqual(['proposal', 'proposal']);
    expect(await h.store.proposals.list({})).toEqual([]);
    const doc = readFileSync(join(h.dir, 'docs', `digest_${DAY}.md`), 'utf8');
    expect(doc).toContain('No proposal: rollout-restart was refused at proposal time by its guardrails (change-freeze: change freeze until 2026-12-01T00:00:00Z: year-end freeze)');
    const refusals = (await h.store.audit.list({})).filter((e) => e.action === 'proposal.refused');
    expect(refusals).toHaveLength(1);
    expect(refusals[0].details).toMatchObject({ operation: 'rollout-restart', source: 'digest', failures: [FREEZE] });

    frozen = false;
    await digest(h, g);

    expect((await h.store.proposals.list({})).map((p) => [p.operation, p.state])).toEqual([['rollout-restart', 'proposed']]);
  });

  describe('on the real guardrails', () => {
    /** Fleet facts as the CLI's gate reads them; `reader` reads the target cluster. */
    const realGate = (reader: ClusterReader, freeze = false) => createGuardrailGate(checkGuardrails, async (_req: OperationRequest) => ({
      nowMs: END_MS, reader, recentOperations: [], argoCdConfigured: false, cluster: { environment: 'prod' },
      freezeWindows: freeze ? [{ startsAt: '2026-11-01T00:00:00Z', endsAt: '2026-12-31T00:00:00Z', reason: 'year-end freeze' }] : [],
    }));
    const coredns = () => {
      const w = healthyWorld();
      w.workload = { ...w.workload, namespace: 'kube-system', name: 'coredns' };
      return readerOf(w);
    };
    const noCredentials: ClusterReader = new Proxy({} as ClusterReader, { get: () => async () => { throw new Error('no read access to cluster c-eu-west-1-0002 for guardrail checks'); } });

    it('proposes when the digest cannot read the cluster (its job has no cluster credentials): the proposals job judges those guardrails before execution', async () => {
      h = await harness({ findings: dipFindings(3, 1), clusterCount: 4, metrics: constantMetrics(() => 0.9) });

      await digest(h, realGate(noCredentials));

      expect((await h.store.proposals.list({})).map((p) => p.operation)).toEqual(['rollout-restart']);
    });

    it('refuses one a change freeze covers, as read from the same facts', async () => {
      h = await harness({ findings: dipFindings(3, 1), clusterCount: 4, metrics: constantMetrics(() => 0.9) });

      await digest(h, realGate(coredns(), true));

      expect(await h.store.proposals.list({})).toEqual([]);
      expect(readFileSync(join(h.dir, 'docs', `digest_${DAY}.md`), 'utf8')).toContain('refused at proposal time by its guardrails (change-freeze: change freeze until 2026-12-31T00:00:00Z: year-end freeze)');
    });
  });
});
