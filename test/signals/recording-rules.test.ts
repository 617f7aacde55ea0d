import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildCatalog } from '../../src/signals/catalog.js';
import { renderRecordingRules } from '../../src/signals/render-recording-rules.js';

const PLAIN = 'rules/fleetops-recording-rules.yaml';
const CRD = 'rules/fleetops-prometheusrule.yaml';
const rendered = renderRecordingRules(buildCatalog());
const promtool = spawnSync('promtool', ['--version']).status === 0;

// Regenerate with: FLEETOPS_UPDATE_RULES=1 npx vitest run test/signals/recording-rules.test.ts
if (process.env.FLEETOPS_UPDATE_RULES === '1') {
  writeFileSync(PLAIN, rendered.rulesFile);
  writeFileSync(CRD, rendered.prometheusRule);
}

describe('recording rules', () => {
  it.each([[PLAIN, rendered.rulesFile], [CRD, rendered.prometheusRule]])('committed %s equals the generated one', (path, text) => {
    expect(readFileSync(path, 'utf8'), `regenerate ${path} (see the comment in this test)`).toBe(text);
  });

  it('records every golden signal of every component under a unique name', () => {
    const group = (parse(rendered.rulesFile) as { groups: { name: string; rules: { record: string; labels: Record<string, string> }[] }[] }).groups[0];
    const names = group.rules.map((r) => r.record);

    expect(new Set(names).size).toBe(names.length);
    expect(names).toHaveLength(7 * 12 - 1); // no kubelet network_saturation
    expect(parse(rendered.prometheusRule)).toMatchObject({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', spec: { groups: [{ name: group.name }] } });
  });

  it.skipIf(!promtool)('passes `promtool check rules`', () => {
    const res = spawnSync('promtool', ['check', 'rules', PLAIN], { encoding: 'utf8' });

    expect(res.stdout + res.stderr).toMatch(/SUCCESS: 83 rules found/);
    expect(res.status).toBe(0);
  });
  if (!promtool) it.skip('promtool not on PATH (Debian package `prometheus`): rule file syntax not checked', () => {});
});
