import { describe, expect, it } from 'vitest';
import {
  COMPONENT_IDS, FailureModel, NODE_SIGNAL_IDS, SCENARIO_FAILURE_MODE, SCENARIO_KINDS, SIGNAL_IDS,
  listFailureModes, loadFailureModel, parseFailureModel, walkCauses,
} from '../../../src/rca/failure-model/index.js';
import { ConfigError } from '../../../src/core/errors.js';

const model = loadFailureModel();

describe('vocabulary', () => {
  it('exports the fixed ids', () => {
    expect(COMPONENT_IDS).toHaveLength(12);
    expect(SIGNAL_IDS).toContain('latency_p99');
    expect(NODE_SIGNAL_IDS).toContain('dns_timeouts');
    expect(Object.keys(SCENARIO_FAILURE_MODE).sort()).toEqual([...SCENARIO_KINDS].sort());
  });
});

describe('loadFailureModel', () => {
  it('loads the shipped model and records the line of each failure mode', () => {
    const modes = listFailureModes(model);

    expect(modes.length).toBeGreaterThanOrEqual(20);
    expect(model.source?.lines['coredns.nic-saturation']).toBeGreaterThan(1);
  });

  it.each(SCENARIO_KINDS)('has the true cause of scenario %s, tagged with it', (kind) => {
    const mode = listFailureModes(model).find((m) => m.id === SCENARIO_FAILURE_MODE[kind]);

    expect(mode?.scenarios).toContain(kind);
  });

  it.each([
    ['a prefix that does not match its group', 'version: 1\ngroups:\n  - group: etcd\n    failure_modes:\n      - id: coredns.x\n        description: d\n        symptoms: [{ component: etcd, signal: latency_p99, direction: up }]\n', /must start with "etcd\."/],
    ['an unknown signal', 'version: 1\ngroups:\n  - group: etcd\n    failure_modes:\n      - id: etcd.x\n        description: d\n        symptoms: [{ component: etcd, signal: fsync, direction: up }]\n', /symptoms\.0\.signal/],
    ['invalid YAML', 'version: [1\n', /invalid YAML/],
    // before: `model.yaml: invalid YAML: …` with the line only inside yaml's multi-line wording
    ['a key given twice, at its line', 'version: 1\ngroups: []\ngroups: []\n', /^model\.yaml:3: invalid YAML: Map keys must be unique$/],
  ])('rejects %s with a ConfigError', (_name, text, message) => {
    expect(() => parseFailureModel(text, 'model.yaml')).toThrow(ConfigError);
    expect(() => parseFailureModel(text, 'model.yaml')).toThrow(message);
  });

  it.each([
    // before: `model.yaml: groups.0.failure_modes.0.symptoms.0.direction: Invalid option: expected one of "up"|"down"|"absent"`
    ['direction: sideways', 'model.yaml:10: groups.0.failure_modes.0.symptoms.0.direction: expected one of "up", "down", "absent", found string "sideways"'],
    ['direction: up\n            extra: 1', 'model.yaml:11: groups.0.failure_modes.0.symptoms.0.extra: unknown key (check spelling)'],
  ])('names the line and field of %s, what it expects and what was found, without zod wording', (last, expected) => {
    const text = `version: 1\ngroups:\n  - group: etcd\n    failure_modes:\n      - id: etcd.x\n        description: d\n        symptoms:\n          - component: etcd\n            signal: latency_p99\n            ${last}\n`;

    const message = (() => {
      try { parseFailureModel(text, 'model.yaml'); } catch (err) { return (err as Error).message; }
      return '';
    })();

    expect(message).toBe(expected);
    expect(message).not.toMatch(/Invalid option|Invalid input|Too small|Too big|Unrecognized key/);
  });

  it.each([
    // was `expected one of 1, found number 2`
    ['a version other than 1', 'version: 2\ngroups: []\n', 'model.yaml:1: version: expected 1, found number 2\nmodel.yaml:2: groups: expected a list of at least 1 item, found a list with no items'],
    // was `…id: failure-mode ids look like <group>.<mode>`, without the id
    ['an id not of the form <group>.<mode>', 'version: 1\ngroups:\n  - group: etcd\n    failure_modes:\n      - id: etcd\n        description: d\n        symptoms: [{ component: etcd, signal: latency_p99, direction: up }]\n',
      'model.yaml:5: groups.0.failure_modes.0.id: expected an id of the form <group>.<mode> such as coredns.overload, found string "etcd"\nmodel.yaml:5: groups.0.failure_modes.0.id: etcd must start with "etcd."'],
  ])('names %s in words, with its line', (_name, text, expected) => {
    expect(() => parseFailureModel(text, 'model.yaml')).toThrow(expected);
  });

  it('shows the model\'s own sentence for an id outside its group, with its line', () => {
    const text = 'version: 1\ngroups:\n  - group: etcd\n    failure_modes:\n      - id: coredns.x\n        description: d\n        symptoms: [{ component: etcd, signal: latency_p99, direction: up }]\n';

    expect(() => parseFailureModel(text, 'model.yaml')).toThrow(/^model\.yaml:5: groups\.0\.failure_modes\.0\.id: coredns\.x must start with "etcd\."$/);
  });

  it('rejects duplicate failure-mode ids', () => {
    const mode = { id: 'etcd.x', description: 'd', symptoms: [{ component: 'etcd', signal: 'latency_p99', direction: 'up' }] };

    const result = FailureModel.safeParse({ version: 1, groups: [{ group: 'etcd', failure_modes: [mode, mode] }] });

    expect(result.success).toBe(false);
  });
});

describe('walkCauses', () => {
  const workloadLatency = { component: 'workload', signal: 'latency_p99', direction: 'up' } as const;

  it('finds NIC saturation as a cause of workload latency, via CoreDNS', () => {
    const causes = walkCauses(model, workloadLatency);

    const node = causes.find((c) => c.failureModeId === 'node.nic-saturation');
    expect(node?.depth).toBe(2);
    expect(node?.path.map((s) => `${s.component}/${s.signal}`)).toEqual([
      'node/node_network_saturation', 'coredns/dns_timeouts', 'workload/latency_p99',
    ]);
    expect(node?.edges[0].via).toMatch(/CoreDNS/);
    const coredns = causes.find((c) => c.failureModeId === 'coredns.nic-saturation');
    expect(coredns?.path.map((s) => s.component)).toEqual(['coredns', 'workload']);
  });

  it('orders by depth and respects maxDepth', () => {
    const causes = walkCauses(model, workloadLatency, { maxDepth: 1 });

    expect(causes.map((c) => c.depth)).toEqual([...causes.map((c) => c.depth)].sort());
    expect(causes.some((c) => c.failureModeId === 'node.nic-saturation')).toBe(false);
  });

  it('walks from API server latency to etcd disk latency', () => {
    const causes = walkCauses(model, { component: 'apiserver', signal: 'latency_p99', direction: 'up' });

    expect(causes.map((c) => c.failureModeId)).toEqual(expect.arrayContaining(['apiserver.overload', 'etcd.disk-latency']));
  });

  it('matches fleet-wide modes declared on any component, but not on the node', () => {
    const ingress = walkCauses(model, { component: 'ingress-gateway', signal: 'error_ratio', direction: 'up' });
    const node = walkCauses(model, { component: 'node', signal: 'pod_restarts', direction: 'up' });

    expect(ingress.map((c) => c.failureModeId)).toContain('fleet.bad-rollout');
    expect(node.map((c) => c.failureModeId)).not.toContain('fleet.bad-rollout');
  });

  it.each(SCENARIO_KINDS)('reaches the true cause of %s from each of its own symptoms', (kind) => {
    const mode = listFailureModes(model).find((m) => m.id === SCENARIO_FAILURE_MODE[kind])!;

    for (const symptom of mode.symptoms) {
      expect(walkCauses(model, symptom).map((c) => c.failureModeId)).toContain(mode.id);
    }
  });
});
