/**
 * Which pods are each component's: the built-in matchers name the CNI and CSI node plugins of the
 * common clouds, and the config's `components` section replaces or adds matchers (checked at load,
 * used by the catalog, the inventory and the rules `fleetops rules render` writes).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/core/config/load-config.js';
import { ConfigError } from '../../src/core/errors.js';
import { buildCatalog, configCatalog } from '../../src/signals/catalog.js';
import { DEFAULT_COMPONENT_MATCHERS, componentMatcherProblem, nicMatcher } from '../../src/signals/component-matchers.js';
import { runCli } from '../cli/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'fleetops-components-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** A Prometheus label matcher as Prometheus applies it: anchored. */
function matches(matcher: string, labels: Record<string, string>): boolean {
  return [...matcher.matchAll(/([a-z_]+)\s*(=~|!~|!=|=)\s*"([^"]*)"/g)].every(([, label, op, value]) => {
    const v = labels[label] ?? '';
    const re = new RegExp(`^(?:${value})$`);
    return op === '=' ? v === value : op === '!=' ? v !== value : op === '=~' ? re.test(v) : !re.test(v);
  });
}

describe('built-in component matchers', () => {
  it.each([
    ['cni', 'kube-system', 'cilium-7xk2p'],
    ['cni', 'kube-system', 'aws-node-5q8zr'],
    ['cni', 'calico-system', 'calico-node-9dkq2'],
    ['cni', 'kube-flannel', 'kube-flannel-ds-h7m4c'],
    ['cni', 'kube-system', 'anetd-x2b9c'],
    ['csi', 'kube-system', 'ebs-csi-node-4r9tq'],
    ['csi', 'kube-system', 'efs-csi-node-s7b2c'],
    ['csi', 'kube-system', 'pdcsi-node-z8k4w'],
    ['csi', 'kube-system', 'csi-azuredisk-node-8fj2x'],
    ['csi', 'vmware-system-csi', 'vsphere-csi-node-2kq9d'],
    ['csi', 'rook-ceph', 'csi-rbdplugin-m9x2q'],
    ['csi', 'longhorn-system', 'longhorn-csi-plugin-b7c4d'],
    ['csi', 'kube-system', 'csi-node-5c8d7'],
  ])('%s selects %s/%s', (component, namespace, pod) => {
    // before: cni selected Cilium only and csi only pods named csi-node-*, so on EKS, GKE and AKS neither had a saturation signal
    expect(matches(DEFAULT_COMPONENT_MATCHERS[component], { namespace, pod })).toBe(true);
  });

  it.each([
    ['cni', 'apps', 'aws-node-exporter-5q8zr'],
    ['csi', 'kube-system', 'ebs-csi-controller-7d9f8-x2x9q'],
    ['csi', 'apps', 'ebs-csi-node-4r9tq'],
  ])('%s does not select %s/%s', (component, namespace, pod) => {
    expect(matches(DEFAULT_COMPONENT_MATCHERS[component], { namespace, pod })).toBe(false);
  });

  it.each(['eth0', 'ens5', 'enp0s3', 'eno1', 'bond0'])('counts %s as a node NIC', (device) => {
    expect(matches(nicMatcher('device'), { device })).toBe(true);
  });

  it.each(['lo', 'veth1a2b3c', 'eni3f2a1b9c8d7', 'cali4f2a9d1e', 'lxc8d2f', 'cilium_host', 'gke2f9a1c', 'azv1a2b', 'flannel.1', 'cni0', 'docker0', 'vxlan.calico', 'tunl0', 'kube-ipvs0', 'nodelocaldns'])('does not count %s as a node NIC', (device) => {
    // before: only device="eth0" counted, so nodes naming their NIC ens5 (Amazon Linux 2023, bare metal) had no NIC signal
    expect(matches(nicMatcher('device'), { device })).toBe(false);
  });
});

describe('componentMatcherProblem', () => {
  it.each([
    ['namespace="kube-system", pod=~"aws-node-.*"', undefined],
    ['{namespace="x"}', /^no braces$/],
    ['namespace=="x"', /^syntax error: /],
    ['pod=~"(aws-node"', /the regex of pod does not compile/],
    ['pod=~"a\\.b"', /^syntax error: unknown escape sequence/],
  ])('%s → %s', (matcher, problem) => {
    const got = componentMatcherProblem(matcher);
    if (problem === undefined) expect(got).toBeUndefined();
    else expect(got).toMatch(problem);
  });
});

describe('components in the config', () => {
  it.each([
    ['a bad matcher', 'components:\n  payments: namespace="payments"\n  cni: pod=~"(aws-node"\n', /bad\.yaml:3: components\.cni: expected PromQL label matchers such as namespace="kube-system", pod=~"coredns-\.\*" \(the regex of pod does not compile: .*Unterminated group\), found string "pod=~\\"\(aws-node\\""$/],
    ['a bad name', 'components:\n  Payments_API: namespace="payments"\n', /bad\.yaml:2: components\.Payments_API: expected a component id of lower-case words joined by -/],
    ['an empty matcher', 'components:\n  cni: ""\n', /bad\.yaml:2: components\.cni: /],
  ])('refuses %s with file, line and field', (_case, text, message) => {
    const path = file('bad.yaml', text);

    expect(() => loadConfig({ file: path })).toThrow(ConfigError);
    expect(() => loadConfig({ file: path })).toThrow(message);
  });

  it.each([
    ['{namespace="x"}', 'no braces'],
    ['namespace=="x"', 'syntax error: expected one of = != =~ !~ in a label matcher, got \'==\' near `=="x"}`'],
  ])('reads a bad matcher %s as one sentence: what is expected, why, and what was found', (matcher, why) => {
    const path = file('sentence.yaml', `components:\n  cni: ${JSON.stringify(matcher)}\n`);

    const message = (() => {
      try { loadConfig({ file: path }); } catch (err) { return (err as Error).message; }
      return '';
    })();

    // before: `expected PromQL label matchers (not PromQL label matchers: …)`
    expect(message).toBe(`config error: ${path}:2: components.cni: expected PromQL label matchers such as namespace="kube-system", pod=~"coredns-.*" (${why}), found string ${JSON.stringify(matcher)}`);
  });

  it('replaces a built-in matcher and adds a component: the catalog scans both with their own matchers', () => {
    const config = loadConfig({ file: file('components.yaml', 'components:\n  cni: namespace="kube-system", pod=~"my-cni-.*"\n  payments: namespace="payments"\n') });
    const catalog = configCatalog(config);

    const cni = catalog.entriesFor('cpu_saturation', 'cni')[0];
    expect(cni.promql).toContain('pod=~"my-cni-.*"');
    expect(cni.promql).not.toContain('aws-node');
    expect(catalog.entriesFor('memory_saturation', 'payments')[0].promql).toContain('namespace="payments"');
    expect(catalog.entriesFor('cpu_saturation', 'coredns')[0].promql).toBe(buildCatalog().entriesFor('cpu_saturation', 'coredns')[0].promql);
  });

  it('names the recording rule of a changed matcher apart, so the shipped rule (the built-in matcher) is never read for it', () => {
    const changed = configCatalog({ signals: [], components: { cni: 'namespace="kube-system", pod=~"my-cni-.*"' } });
    const shipped = buildCatalog();

    expect(shipped.entriesFor('cpu_saturation', 'cni')[0].recordingRule).toBe('fleetops:cni:cpu_saturation');
    expect(changed.entriesFor('cpu_saturation', 'cni')[0].recordingRule).toMatch(/^fleetops:cni_[0-9a-f]{8}:cpu_saturation$/);
    expect(changed.entriesFor('cpu_saturation', 'coredns')[0].recordingRule).toBe('fleetops:coredns:cpu_saturation');
    // the same matcher as the built-in one keeps the shipped name
    expect(configCatalog({ signals: [], components: { cni: DEFAULT_COMPONENT_MATCHERS.cni } }).entriesFor('cpu_saturation', 'cni')[0].recordingRule).toBe('fleetops:cni:cpu_saturation');
  });
});

describe('fleetops rules render', () => {
  const promtool = spawnSync('promtool', ['--version']).status === 0;

  it('prints the shipped rules for the default config', async () => {
    const run = await runCli(['rules', 'render', '--out', join(dir, 'x.yaml')]);

    expect(run.code).toBe(0);
    const body = (text: string) => text.split('\n').filter((l) => !l.startsWith('#')).join('\n');
    expect(body(readFileSync(join(dir, 'x.yaml'), 'utf8'))).toBe(body(readFileSync('rules/fleetops-recording-rules.yaml', 'utf8')));
  });

  it('renders the config\'s cluster label and component matchers, under the names the scan reads', async () => {
    const config = file('rules.yaml', 'clusterLabel: k8s_cluster\ncomponents:\n  cni: namespace="kube-system", pod=~"my-cni-.*"\n');
    const out = join(dir, 'rules-out.yaml');

    const run = await runCli(['rules', 'render', '--config', config, '--out', out]);

    expect(run.code, run.stderr).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text.split('\n')[0]).toMatch(/^# Generated by `fleetops rules render` from .*rules\.yaml/);
    const rules = (parse(text) as { groups: { rules: { record: string; expr: string }[] }[] }).groups[0].rules;
    const expected = configCatalog(loadConfig({ file: config })).entriesFor('cpu_saturation', 'cni')[0].recordingRule;
    const cni = rules.find((r) => r.record === expected);
    expect(cni?.expr).toContain('pod=~"my-cni-.*"');
    expect(cni?.expr).toContain('k8s_cluster!=""');
    expect(rules.every((r) => !r.expr.includes('{cluster') && !r.expr.includes(' cluster!='))).toBe(true);
    if (promtool) {
      const check = spawnSync('promtool', ['check', 'rules', out], { encoding: 'utf8' });
      expect(check.status, check.stdout + check.stderr).toBe(0);
    }
  });

  it('writes a PrometheusRule in the namespace asked for', async () => {
    const run = await runCli(['rules', 'render', '--format', 'prometheusrule', '--namespace', 'observability']);

    expect(run.code).toBe(0);
    expect(parse(run.stdout)).toMatchObject({ kind: 'PrometheusRule', metadata: { namespace: 'observability' } });
  });

  it('refuses an unknown format (exit 2)', async () => {
    const run = await runCli(['rules', 'render', '--format', 'json']);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--format must be one of rules, prometheusrule, got json');
  });
});

describe('fleetops rules render --per-cluster, evaluated by promtool', () => {
  const promtool = spawnSync('promtool', ['--version']).status === 0;
  if (!promtool) it.skip('promtool not on PATH (Debian package `prometheus`): rule evaluation not checked', () => {});

  /** `promtool test rules` on series as a per-cluster Prometheus holds them: no cluster label (it is an external label). */
  function evaluate(rulesFile: string): { status: number | null; output: string } {
    const test = join(dir, 'per-cluster-test.yaml');
    writeFileSync(test, [
      `rule_files: [${JSON.stringify(rulesFile)}]`,
      'evaluation_interval: 1m',
      'tests:',
      '  - interval: 1m',
      '    input_series:',
      '      - series: \'coredns_dns_requests_total{namespace="kube-system",pod="coredns-a"}\'',
      '        values: \'0+60x20\'',
      '    promql_expr_test:',
      '      - expr: fleetops:coredns:request_rate',
      '        eval_time: 10m',
      '        exp_samples:',
      '          - labels: \'fleetops:coredns:request_rate{fleetops_component="coredns",fleetops_signal="request_rate"}\'',
      '            value: 1',
      '',
    ].join('\n'));
    const res = spawnSync('promtool', ['test', 'rules', test], { encoding: 'utf8' });
    return { status: res.status, output: res.stdout + res.stderr };
  }

  it.skipIf(!promtool)('records a per-cluster Prometheus\'s series, which carry no cluster label', async () => {
    const out = join(dir, 'per-cluster-rules.yaml');
    const run = await runCli(['rules', 'render', '--per-cluster', '--out', out]);

    expect(run.code, run.stderr).toBe(0);
    const result = evaluate(out);
    expect(result.status, result.output).toBe(0);
  });

  it.skipIf(!promtool)('the fleet-wide rules record nothing there (why --per-cluster exists)', () => {
    const result = evaluate(join(process.cwd(), 'rules/fleetops-recording-rules.yaml'));

    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/got: nil/);
  });
});
