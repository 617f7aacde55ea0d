import type { Adapters } from '../../adapters/index.js';
import type { ProposalRow } from '../../adapters/store/types.js';
import { digestKeys } from '../../digest/publish-digest.js';
import { checkSymptomPresent } from '../../digest/symptom-check.js';
import type { FeedbackSubject } from '../../remediation/feedback/collect-feedback.js';
import { loadSafeOperationCatalog } from '../../remediation/catalog/index.js';
import { checkGuardrails, createKubeClusterReader, loadFleetAction, OPERATION_STATES, recentOperationsFrom, type GuardrailState } from '../../remediation/guardrails/index.js';
import type { ProposalsJobDeps } from '../../remediation/proposals-job.js';
import { loadClusterRegistry } from '../../remediation/registry/cluster-registry-file.js';
import { createGuardrailGate, type GuardrailGate, type SymptomStatus } from '../../remediation/proposals/index.js';
import type { RemediationConfig } from '../../remediation/remediation-config.js';
import { configCatalog } from '../../signals/catalog.js';
import { isSuperseded } from '../../digest/supersede-groups.js';
import type { AppContext } from '../app-context.js';
import { dataNowMs } from '../job-runner.js';
import type { ProposalsWiring } from './proposals-command.js';


/** Guardrail facts, read fresh at every check (proposal time and again right before execution). */
function guardrailState(app: AppContext, adapters: Adapters, dataNow: () => number) {
  const ops = adapters.clusterOps();
  const reader = createKubeClusterReader({
    kubeFor: async (cluster) => {
      if (!ops.kubeApiFor) throw new Error(`no read access to cluster ${cluster} for guardrail checks`);
      return ops.kubeApiFor(cluster);
    },
  });
  const registryFile = app.config.clusterOps.registryFile;
  const registry = new Map((registryFile ? loadClusterRegistry(registryFile) : []).map((e) => [e.name, e]));
  return async (req: { operationId: string; target: { cluster: string } }, _phase: unknown, proposal?: ProposalRow): Promise<GuardrailState> => {
    const store = await adapters.store();
    const recent = await store.proposals.list({ states: [...OPERATION_STATES] });
    const nowMs = app.clock.nowMs();
    const recentOperations = recentOperationsFrom(recent, nowMs, app.config.clusterOps.guardrails);
    const inventory = new Map((await adapters.inventory().listClusters()).map((c) => [c.id, c]));
    const facts = (name: string) => ({ canary: registry.get(name)?.canary, environment: registry.get(name)?.environment ?? inventory.get(name)?.environment });
    return {
      nowMs: dataNow(), reader, recentOperations, freezeWindows: app.config.remediation.changeFreeze,
      cluster: { environment: inventory.get(req.target.cluster)?.environment, canary: registry.get(req.target.cluster)?.canary },
      // the row itself at proposal time, when it is not stored yet
      fleetAction: await loadFleetAction(store.proposals, proposal ?? req.operationId, facts),
      argoCdConfigured: Boolean(app.config.clusterOps.argocd), limits: app.config.clusterOps.guardrails,
    };
  };
}

/**
 * Recovered when none of the group's symptoms is present in the last 15 minutes of data, or in the
 * verification window if it is shorter: judged at its end, that stretch is all after the change.
 */
export function symptomVerifier(app: AppContext, adapters: Adapters, dataNow: () => number, verifyWindowMinutes: number) {
  const catalog = configCatalog(app.config);
  return async (p: ProposalRow): Promise<SymptomStatus> => {
    const store = await adapters.store();
    const group = await store.incidents.get(p.groupId);
    if (!group) return 'pending';
    const ids = new Set(group.anomalyIds);
    const findings = (await store.anomalies.list({ startMs: group.startMs, endMs: Math.max(group.endMs, dataNow()) })).filter((a) => ids.has(a.id));
    if (findings.length === 0) return 'pending';
    const check = await checkSymptomPresent(findings, {
      metrics: adapters.metrics(), catalog, sloOverrides: app.config.scan.slo, nowMs: dataNow(), stepSeconds: app.config.simulator.stepSeconds,
      windowMs: Math.min(15, verifyWindowMinutes) * 60_000,
    });
    // a query that failed for a cluster is no answer: neither recovered nor still present
    return check.present ? 'not-recovered' : check.unknown.length > 0 ? 'unknown' : 'recovered';
  };
}

/** The digest's RCA replies of the last days (from the publication records), whose 👍/👎 become feedback. */
function rcaFeedbackSubjects(adapters: Adapters, sinceMs: () => number) {
  return async (): Promise<FeedbackSubject[]> => {
    const store = await adapters.store();
    const out: FeedbackSubject[] = [];
    for (const g of (await store.incidents.list({ startMs: sinceMs() })).filter((row) => !isSuperseded(row))) {
      const [reply, parent, rca] = await Promise.all([
        store.publications.get(digestKeys.group(g.day, g.id)), store.publications.get(digestKeys.parent(g.day)), store.rcas.get(g.id),
      ]);
      const signature = (rca?.body as { rca?: { signature?: string } } | undefined)?.rca?.signature;
      if (!reply || !signature) continue;
      const [channel, ts] = splitExternalId(reply.externalId);
      out.push({ kind: 'rca', id: g.id, signature, channel, ts, threadTs: parent ? splitExternalId(parent.externalId)[1] : undefined });
    }
    return out;
  };
}

/** `channel:ts` (the Slack ts itself contains a dot, never a colon). */
function splitExternalId(id: string): [string, string] {
  const i = id.lastIndexOf(':');
  return [id.slice(0, i), id.slice(i + 1)];
}

/**
 * The proposals job's guardrail gate, for the digest to check a proposal before it offers it for approval.
 * Built at its first check, inside it: an executor or registry the digest's job cannot set up (no Argo
 * token, no registry file) leaves the guardrails unevaluated there instead of failing the digest.
 */
export function wireGuardrailGate(app: AppContext, adapters: Adapters): GuardrailGate {
  let load: ReturnType<typeof guardrailState> | undefined;
  return createGuardrailGate(checkGuardrails, async (req, phase, proposal) => (load ??= guardrailState(app, adapters, () => dataNowMs(app, adapters)))(req, phase, proposal));
}

/** The proposals job over the configured adapters: executor, guardrail gate, symptom verifier. */
export const wireProposals: ProposalsWiring = async (app, adapters, _ctx, config: RemediationConfig): Promise<ProposalsJobDeps> => {
  const dataNow = () => dataNowMs(app, adapters);
  return {
    store: await adapters.store(), chat: adapters.chat(), clusterOps: adapters.clusterOps(), catalog: loadSafeOperationCatalog(), config,
    defaultChannel: config.channel, auditChannel: app.config.chat.slack.auditChannel,
    guardrails: createGuardrailGate(checkGuardrails, guardrailState(app, adapters, dataNow)),
    verify: symptomVerifier(app, adapters, dataNow, config.verifyWindowMinutes),
    rcaFeedbackSubjects: rcaFeedbackSubjects(adapters, () => dataNow() - config.feedbackLookbackDays * 86_400_000),
  };
};
