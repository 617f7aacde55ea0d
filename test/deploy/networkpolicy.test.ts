import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

interface Peer { ipBlock?: { cidr: string; except?: string[] }; namespaceSelector?: { matchLabels?: Record<string, string> }; podSelector?: unknown }
interface Rule { to?: Peer[]; ports?: { protocol: string; port: number }[] }
interface Policy {
  metadata: { name: string };
  spec: { podSelector: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values: string[] }[] }; egress?: Rule[] };
}

const policies = parseAllDocuments(readFileSync('k8s-cronjobs/base/networkpolicy.yaml', 'utf8')).map((d) => d.toJSON() as Policy);

function selects(p: Policy, labels: Record<string, string>): boolean {
  const { matchLabels = {}, matchExpressions = [] } = p.spec.podSelector;
  return Object.entries(matchLabels).every(([k, v]) => labels[k] === v)
    && matchExpressions.every((e) => (e.operator === 'In' ? e.values.includes(labels[e.key]) : !e.values.includes(labels[e.key])));
}

const ipv4 = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipv4(ip) / size) === Math.floor(ipv4(base) / size);
}

/** Whether any policy selecting the pod lets it open TCP to ip:port (an IP peer) or to a namespace's pods. */
function allows(labels: Record<string, string>, to: { ip?: string; namespace?: string }, port: number): boolean {
  return policies.filter((p) => selects(p, labels)).some((p) => (p.spec.egress ?? []).some((r) => (r.ports ?? []).some((x) => x.protocol === 'TCP' && x.port === port)
    && (r.to ?? []).some((peer) => (to.ip && peer.ipBlock ? inCidr(to.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((c) => inCidr(to.ip!, c)) : false)
      || (to.namespace !== undefined && peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === to.namespace && !peer.ipBlock))));
}

const pod = (component: string) => ({ 'app.kubernetes.io/name': 'fleetops', 'app.kubernetes.io/component': component });

describe('NetworkPolicy', () => {
  it('lets the pods that change clusters reach private Kubernetes API servers (in-cluster: the credentials Secret; targets on 443 and 6443) and the Argo server', () => {
    for (const component of ['proposals', 'safe-operation']) {
      expect(allows(pod(component), { ip: '10.96.0.1' }, 443)).toBe(true);
      expect(allows(pod(component), { ip: '172.20.14.7' }, 6443)).toBe(true);
      expect(allows(pod(component), { ip: '192.168.3.4' }, 443)).toBe(true);
      expect(allows(pod(component), { namespace: 'argo' }, 2746)).toBe(true);
    }
  });

  it('keeps every other job off private addresses and the metadata server; public HTTPS stays open to all', () => {
    for (const component of ['fleet-scan', 'fleet-scan-finalize', 'availability-digest', 'oncall-report']) {
      expect(allows(pod(component), { ip: '10.96.0.1' }, 443)).toBe(false);
      expect(allows(pod(component), { ip: '172.20.14.7' }, 6443)).toBe(false);
      expect(allows(pod(component), { namespace: 'argo' }, 2746)).toBe(false);
      expect(allows(pod(component), { ip: '52.94.1.10' }, 443)).toBe(true);
    }
    expect(allows(pod('proposals'), { ip: '169.254.169.254' }, 80)).toBe(false);
    expect(allows(pod('proposals'), { ip: '10.1.2.3' }, 22)).toBe(false);
  });
});
