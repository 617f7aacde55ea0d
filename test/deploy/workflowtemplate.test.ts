import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/core/config/load-config.js';
import { unmetRequirements } from '../../src/core/config/requirements.js';
import { ClusterRegistryFile } from '../../src/remediation/registry/cluster-registry-schema.js';

interface Param { name: string; value?: unknown; enum?: string[] }
interface EnvVar { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }

const FILE = 'k8s-cronjobs/argo/workflowtemplate.yaml';
const text = readFileSync(FILE, 'utf8');
const wt = parse(text) as {
  apiVersion: string; kind: string; metadata: { name: string };
  spec: {
    entrypoint: string; serviceAccountName: string; activeDeadlineSeconds: number;
    arguments: { parameters: Param[] };
    synchronization?: { mutexes?: { name: string }[] };
    securityContext: Record<string, unknown>;
    volumes: { name: string; configMap?: { name: string } }[];
    templates: {
      name: string; inputs: { parameters: Param[] }; retryStrategy: { limit: number | string };
      container: { image: string; command: string[]; args: string[]; env: EnvVar[]; securityContext: Record<string, unknown>; volumeMounts: { name: string; mountPath: string }[] };
    }[];
  };
};
const entry = wt.spec.templates.find((t) => t.name === wt.spec.entrypoint);
const container = entry?.container;
const env = (name: string) => container?.env.find((e) => e.name === name);

describe('WorkflowTemplate fleetops-safe-operation', () => {
  it('is the template the Argo Workflows executor submits, with its three parameters', () => {
    expect(wt).toMatchObject({ apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate', metadata: { name: 'fleetops-safe-operation' } });
    expect(wt.spec.arguments.parameters.map((p) => p.name)).toEqual(['operationId', 'mode', 'request']);
    expect(entry?.inputs.parameters.map((p) => p.name)).toEqual(['operationId', 'mode', 'request']);
    expect(wt.spec.arguments.parameters.find((p) => p.name === 'mode')?.enum).toEqual(['execute', 'rollback']);
  });

  it('runs `fleetops ops run` on the fleetops image with the parameters as arguments', () => {
    expect(container?.image).toBe('ghcr.io/example/fleetops:0.1.0');
    expect(container?.command).toEqual(['node', '/app/dist/src/cli/main.js']);
    expect(container?.args).toEqual(['ops', 'run', '--mode', '{{inputs.parameters.mode}}', '--request', '{{inputs.parameters.request}}']);
  });

  it('never re-runs an operation by itself, is bounded in time and serialised per operation', () => {
    expect(Number(entry?.retryStrategy.limit)).toBe(0);
    expect(wt.spec.activeDeadlineSeconds).toBeGreaterThan(0);
    expect(wt.spec.synchronization?.mutexes?.[0]?.name).toContain('{{workflow.parameters.operationId}}');
  });

  it('executes with the Kubernetes executor and the mounted config, as fleetops-proposals', () => {
    expect(env('FLEETOPS__CLUSTEROPS__KIND')?.value).toBe('kubernetes');
    expect(env('FLEETOPS_CONFIG')?.value).toBe('/etc/fleetops/fleetops.yaml');
    expect(container?.volumeMounts.find((m) => m.name === 'config')?.mountPath).toBe('/etc/fleetops');
    expect(wt.spec.volumes.find((v) => v.name === 'config')?.configMap?.name).toBe('fleetops-config');
    expect(wt.spec.serviceAccountName).toBe('fleetops-proposals');
  });

  it('mounts the cluster registry the Kubernetes executor needs, so the shipped configs pass its requirements', () => {
    expect(env('FLEETOPS__CLUSTEROPS__REGISTRYFILE')?.value).toBe('/etc/fleetops-registry/clusters.yaml');
    expect(container?.volumeMounts.find((m) => m.name === 'registry')?.mountPath).toBe('/etc/fleetops-registry');
    expect(wt.spec.volumes.find((v) => v.name === 'registry')?.configMap?.name).toBe('fleetops-cluster-registry');
    const podEnv = Object.fromEntries(container!.env.map((e) => [e.name, e.value ?? 'from-secret']));
    for (const file of ['k8s-cronjobs/base/fleetops.yaml', 'k8s-cronjobs/overlays/staging/fleetops.yaml', 'k8s-cronjobs/overlays/production/fleetops.yaml']) {
      const config = loadConfig({ file, env: podEnv });
      expect(config.clusterOps.kind).toBe('kubernetes');
      expect(unmetRequirements(config, podEnv).filter((u) => u.path[0] === 'clusterOps').map((u) => `${file}: ${u.path.join('.')}: ${u.message}`)).toEqual([]);
    }
  });

  it('ships an example cluster registry that the executor reads', () => {
    const cm = parse(readFileSync('k8s-cronjobs/argo/cluster-registry.example.yaml', 'utf8')) as { kind: string; metadata: { name: string }; data: Record<string, string> };
    expect(cm).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'fleetops-cluster-registry' } });
    const registry = ClusterRegistryFile.parse(parse(cm.data['clusters.yaml']));
    expect(registry.clusters.map((c) => c.credentials.kind)).toEqual(['token-secret', 'eks', 'argocd-cluster-secret']);
  });

  it('runs as non-root with a read-only root filesystem, no capabilities and the runtime seccomp profile', () => {
    expect(wt.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container?.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
  });

  it('takes the database URL from the Secret and holds no secret value inline', () => {
    expect(env('FLEETOPS_DATABASE_URL')).toEqual({ name: 'FLEETOPS_DATABASE_URL', valueFrom: { secretKeyRef: { name: 'fleetops-secrets', key: 'database-url' } } });
    const inline = container?.env.filter((e) => /URL|TOKEN|SECRET|PASSWORD|KEY/i.test(e.name) && e.value !== undefined) ?? [];
    expect(inline).toEqual([]);
    expect(text).not.toMatch(/postgres(ql)?:\/\/|xox[abp]-|kind:\s*Secret/);
  });
});
