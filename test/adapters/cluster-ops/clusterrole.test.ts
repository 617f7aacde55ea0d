import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { createDryRunClusterOps } from '../../../src/adapters/cluster-ops/dry-run/index.js';
import { fixedClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import { SAFE_OPERATION_IDS } from '../../../src/remediation/catalog/index.js';
import { request } from './fixtures.js';

interface Rule { apiGroups: string[]; resources: string[]; verbs: string[] }
const role = parse(readFileSync('k8s-cronjobs/target-cluster/clusterrole.yaml', 'utf8')) as { kind: string; rules: Rule[] };

const VERB: Record<string, string> = { GET: 'get', POST: 'create', PATCH: 'patch', PUT: 'update', DELETE: 'delete' };

/** group, resource (with subresource) and verb of one API path as RBAC sees it. */
function rbacOf(method: string, path: string): { group: string; resource: string; verb: string } {
  const [p, query] = path.split('?');
  const parts = p.split('/').filter(Boolean);
  const group = parts[0] === 'api' ? '' : parts[1];
  const rest = parts.slice(parts[0] === 'api' ? 2 : 3);
  const nsd = rest[0] === 'namespaces' ? rest.slice(2) : rest;
  const resource = nsd.length >= 3 ? `${nsd[0]}/${nsd[2]}` : nsd[0];
  const verb = method === 'GET' && nsd.length === 1 ? 'list' : VERB[method];
  return { group, resource: query && nsd.length === 1 ? nsd[0] : resource, verb };
}

describe('target-cluster ClusterRole', () => {
  it('allows every call of every operation and grants no delete, no secrets', async () => {
    const ops = createDryRunClusterOps({ clock: fixedClock(0), logger: silentLogger });
    const targets = {
      'evict-pod': { kind: 'Pod' as const, namespace: 'ns', name: 'p' }, 'cordon-drain-node': { kind: 'Node' as const, name: 'n' },
    } as Record<string, { kind: 'Pod' | 'Node' | 'Deployment'; namespace?: string; name: string }>;
    const params: Record<string, Record<string, unknown>> = { 'scale-workload': { direction: 'up', replicas: 2 }, 'raise-resources': { resource: 'cpu', factor: 1.5 } };
    const calls = [];
    for (const op of SAFE_OPERATION_IDS) calls.push(...(await ops.plan(request(op, targets[op] ?? { kind: 'Deployment', namespace: 'ns', name: 'd' }, params[op]))).calls);

    const denied = calls.map((c) => rbacOf(c.method, c.path)).filter(({ group, resource, verb }) =>
      !role.rules.some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb)));

    expect(role.kind).toBe('ClusterRole');
    expect(calls.length).toBeGreaterThan(10);
    expect(denied).toEqual([]);
    expect(role.rules.flatMap((r) => r.verbs)).not.toContain('delete');
    expect(role.rules.flatMap((r) => r.resources)).not.toContain('secrets');
  });
});
