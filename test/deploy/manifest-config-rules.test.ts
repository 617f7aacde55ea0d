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

  it('accepts a real fleet whose evidence sources are none', () => {
    expect(checkProjectRules([configMap(`${REAL_FLEET}${NO_EVIDENCE}`)])).toEqual([]);
  });
});
