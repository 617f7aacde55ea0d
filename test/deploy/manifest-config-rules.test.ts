import { describe, expect, it } from 'vitest';
import { checkProjectRules } from '../../src/deploy/validate-manifests.js';

const configMap = (text: string) => ({ kind: 'ConfigMap', metadata: { name: 'fleetops-config' }, data: { 'fleetops.yaml': text } });
const REAL_FLEET = 'store:\n  kind: postgres\ninventory:\n  kind: prometheus\nmetrics:\n  kind: prometheus\n';
const NO_EVIDENCE = 'logs:\n  kind: none\nevents:\n  kind: none\nchanges:\n  kind: none\n';

describe('checkProjectRules: the config\'s cross-field checks, as loadConfig makes them', () => {
  it('refuses simulated evidence sources beside a real fleet, naming each field', () => {
    const problems = checkProjectRules([configMap(`${REAL_FLEET}logs:\n  kind: simulator\nevents:\n  kind: none\n`)]);

    expect(problems).toEqual([
      'ConfigMap/fleetops-config: fleetops.yaml: logs.kind: simulator serves the simulated fleet\'s logs, but inventory.kind is prometheus and metrics.kind is prometheus; set logs.kind to opensearch or none',
      'ConfigMap/fleetops-config: fleetops.yaml: changes.kind: simulator (the default) serves the simulated fleet\'s deploys and config changes, but inventory.kind is prometheus and metrics.kind is prometheus; set changes.kind to argocd or none',
    ]);
  });

  it('refuses a user signal whose PromQL template is malformed', () => {
    const signal = 'signals:\n  - id: nomatch\n    component: b\n    unit: count\n    badDirection: up\n    promql: sum(q)\n';

    const problems = checkProjectRules([configMap(`${REAL_FLEET}${NO_EVIDENCE}${signal}`)]);

    expect(problems).toEqual([expect.stringMatching(/^ConfigMap\/fleetops-config: fleetops\.yaml: signals\.0\.promql: signal nomatch \(b\): malformed PromQL template: missing placeholder/)]);
  });

  it('names each field the schema refuses, with its line in fleetops.yaml, what it expects and what was found', () => {
    const problems = checkProjectRules([configMap(`${REAL_FLEET}${NO_EVIDENCE}scan:\n  shards: 0\nremediation:\n  autonomy:\n    defaultLevel: high\n  surprise: 1\n`)]);

    // before: `fleetops.yaml: scan.shards: Too small: expected number to be >=1`, `… Invalid input`, `… Unrecognized key: "surprise"`
    expect(problems).toEqual([
      'ConfigMap/fleetops-config: fleetops.yaml:14: scan.shards: expected an integer from 1 to 1024, found number 0',
      'ConfigMap/fleetops-config: fleetops.yaml:17: remediation.autonomy.defaultLevel: expected one of 0, 1, 2, 3, found string "high"',
      'ConfigMap/fleetops-config: fleetops.yaml:18: remediation.surprise: unknown key (check spelling; see fleetops.example.yaml)',
    ]);
    expect(problems.join('\n')).not.toMatch(/Invalid option|Invalid input|Too small|Too big|Unrecognized key|expected number to be/);
  });

  it('accepts a real fleet whose evidence sources are none', () => {
    expect(checkProjectRules([configMap(`${REAL_FLEET}${NO_EVIDENCE}`)])).toEqual([]);
  });
});
