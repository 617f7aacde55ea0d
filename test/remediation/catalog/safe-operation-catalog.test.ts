import { describe, expect, it } from 'vitest';
import {
  SAFE_OPERATION_IDS, findOperation, loadSafeOperationCatalog, parseSafeOperationCatalog, validateParameterBounds,
  validateParameters,
} from '../../../src/remediation/catalog/index.js';
import { ConfigError } from '../../../src/core/errors.js';

const catalog = loadSafeOperationCatalog();
const op = (id: string) => findOperation(catalog, id)!;

describe('loadSafeOperationCatalog', () => {
  it('declares every safe operation with guardrails and targets', () => {
    expect(catalog.operations.map((o) => o.id).sort()).toEqual([...SAFE_OPERATION_IDS].sort());
    expect(op('cordon-drain-node')).toMatchObject({ risk: 'high', reversible: true, target_kinds: ['Node'] });
    expect(op('cordon-drain-node').guardrails).toContain('drain-rate-limit');
    expect(op('scale-workload').guardrails).toContain('hpa-not-fought');
    expect(op('rollback-revision').guardrails).toContain('previous-revision-exists');
  });

  it.each([
    ['an unknown guardrail', 'guardrails: [be-careful]'],
    ['min above max', 'parameters: { n: { type: integer, min: 5, max: 1 } }'],
  ])('rejects %s', (_name, line) => {
    const text = `version: 1\noperations:\n  - id: evict-pod\n    description: d\n    risk: low\n    reversible: true\n    target_kinds: [Pod]\n    guardrails: [pdb-respected]\n    parameters: {}\n`;
    const [key] = line.split(':');
    const broken = text.replace(new RegExp(`    ${key}:.*`), `    ${line}`);

    expect(() => parseSafeOperationCatalog(broken)).toThrow(ConfigError);
  });

  it('names the file, line and field of a bad entry in words', () => {
    const text = `version: 2\noperations:\n  - id: evict-pod\n    description: d\n    risk: extreme\n    reversible: true\n    target_kinds: [Pod]\n    guardrails: [pdb-respected]\n    parameters: {}\n`;

    // before: `safe-operations.yaml: version: expected one of 1, found number 2`, and no line for either
    expect(() => parseSafeOperationCatalog(text)).toThrow(new ConfigError([
      'safe-operations.yaml:1: version: expected 1, found number 2',
      'safe-operations.yaml:5: operations.0.risk: expected one of "low", "medium", "high", found string "extreme"',
    ].join('\n')));
  });
});

describe('validateParameters', () => {
  it.each([
    ['scale-workload', { direction: 'up', replicas: 6 }, []],
    ['scale-workload', { replicas: 6 }, ['scale-workload needs parameter direction']],
    ['scale-workload', { direction: 'sideways', replicas: 6 }, ['direction must be one of up, down']],
    ['scale-workload', { direction: 'up', replicas: 501 }, ['replicas=501 is outside [0, 500]']],
    ['scale-workload', { direction: 'up', replicas: 2.5 }, ['replicas must be an integer']],
    ['raise-resources', { resource: 'memory', factor: 3 }, ['factor=3 is outside [1.05, 2]']],
    ['cordon-drain-node', { maxNodesPerCluster: 4 }, ['maxNodesPerCluster=4 is outside [1, 3]']],
    ['evict-pod', { force: true }, ['evict-pod has no parameter force']],
    ['evict-pod', JSON.parse('{"constructor": 1, "__proto__": {"x": 1}, "toString": 2}'), ['evict-pod has no parameter constructor', 'evict-pod has no parameter __proto__', 'evict-pod has no parameter toString']],
  ])('%s %j → %j', (id, params, errors) => {
    expect(validateParameters(op(id), params)).toEqual(errors);
  });

  it('applies a runbook\'s narrower bounds on top of the operation\'s', () => {
    const bounds = { direction: 'up', replicas: { min: 2, max: 10 } };

    expect(validateParameters(op('scale-workload'), { direction: 'up', replicas: 8 }, bounds)).toEqual([]);
    expect(validateParameters(op('scale-workload'), { direction: 'down', replicas: 12 }, bounds)).toEqual([
      'direction=down is not allowed here (up)', 'replicas=12 is above the runbook maximum 10',
    ]);
  });
});

describe('validateParameterBounds', () => {
  it.each([
    ['scale-workload', { direction: 'up', replicas: { min: 2, max: 30 } }, []],
    ['scale-workload', { replicas: { max: 900 } }, ['scale-workload.replicas [0, 900] lies outside the operation\'s [0, 500]']],
    ['scale-workload', { direction: ['up', 'left'] }, ['scale-workload.direction value left is not one of up, down']],
    ['scale-workload', { replicas: 'many' }, ['scale-workload.replicas needs a {min, max} range']],
    ['raise-resources', { factor: { min: 1.6, max: 1.2 } }, ['raise-resources.factor has min 1.6 above max 1.2']],
    ['evict-pod', { pods: { max: 1 } }, ['evict-pod has no parameter pods']],
  ])('%s %j → %j', (id, bounds, errors) => {
    expect(validateParameterBounds(op(id), bounds)).toEqual(errors);
  });
});
