import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { COMPONENTS, SIGNALS } from '../../src/fleet/types.js';
import { buildCatalog } from '../../src/signals/catalog.js';
import { checkPromqlTemplate } from '../../src/signals/check-promql-template.js';
import { planQueries } from '../../src/signals/query-planner.js';

const good = { id: 'queue_depth', component: 'workload', unit: 'count', badDirection: 'up', promql: 'sum by ({{clusterLabel}}) (queue_depth{ {{clusterMatcher}} })' };

describe('buildCatalog', () => {
  it('holds every golden signal for every component, each template passing the sanity check', () => {
    const catalog = buildCatalog();

    for (const signal of SIGNALS) for (const component of COMPONENTS) {
      // No standard exporter reports the traffic of the kubelet (a host process).
      const expected = component === 'kubelet' && signal === 'network_saturation' ? 0 : 1;
      expect(catalog.entriesFor(signal, component), `${signal}/${component}`).toHaveLength(expected);
    }
    for (const e of catalog.entries) expect(checkPromqlTemplate(e.promql), `${e.id}/${e.component}`).toBeUndefined();
    expect(catalog.entriesFor('availability', 'coredns')[0]).toMatchObject({ unit: 'ratio', badDirection: 'down', slo: 0.9995 });
  });

  it.each(['node_network_saturation', 'node_disk_usage', 'pod_restarts', 'oom_kills', 'dns_timeouts', 'cert_expiry_seconds'])('has drill-down signal %s', (id) => {
    const [entry] = buildCatalog().entriesFor(id);

    expect(entry.kind).toBe('drilldown');
    expect(entry.labels.length).toBeGreaterThan(0);
  });

  it('adds a user signal and lets a user entry replace a built-in one', () => {
    const catalog = buildCatalog([good, { ...good, id: 'availability', component: 'coredns', unit: 'ratio', badDirection: 'down' }]);

    expect(catalog.entriesFor('queue_depth')).toHaveLength(1);
    expect(catalog.entriesFor('availability', 'coredns')[0].promql).toContain('queue_depth');
  });

  it('reads a user entry for every component (`*`) through its own template, not the shipped recording rule of the built-in it replaces', () => {
    const user = { ...good, id: 'cpu_saturation', component: '*', unit: 'ratio', promql: 'sum by ({{clusterLabel}}) (my_cpu{ {{clusterMatcher}}, {{componentMatcher}} })' };
    const catalog = buildCatalog([user, { ...user, id: 'queue_saturation', recordingRule: 'team' }]);

    const [entry] = catalog.entriesFor('cpu_saturation', 'coredns');
    const [query] = planQueries({ catalog, signal: 'cpu_saturation', component: 'coredns', clusters: ['c1'], startMs: 0, endMs: 3_600_000, stepSeconds: 300, clusterLabel: 'cluster', useRecordingRule: () => true });

    expect(entry.recordingRule).toBeUndefined();
    expect(query.promql).toContain('my_cpu{ cluster="c1", namespace="kube-system"');
    expect(catalog.entriesFor('queue_saturation', 'coredns')[0].recordingRule).toBe('team:coredns:queue_saturation');
    expect(buildCatalog().entriesFor('cpu_saturation', 'coredns')[0].recordingRule).toBe('fleetops:coredns:cpu_saturation');
  });

  it.each([
    ['unbalanced paren', 'sum by ({{clusterLabel}}) (rate(x{ {{clusterMatcher}} }[5m])', /unclosed '\('/],
    ['unbalanced brace', 'sum by ({{clusterLabel}}) (x{ {{clusterMatcher}} )', /unbalanced '\)'/],
    ['unclosed quote', 'sum by ({{clusterLabel}}) (x{ {{clusterMatcher}}, job="a })', /unclosed " string/],
    ['no cluster matcher', 'sum by ({{clusterLabel}}) (x)', /missing placeholder \{\{clusterMatcher\}\}/],
    ['no cluster label', 'sum(x{ {{clusterMatcher}} })', /missing placeholder \{\{clusterLabel\}\}/],
    ['unknown placeholder', 'sum by ({{clusterLabel}}) (x{ {{clusterMatcher}}, {{team}} })', /unknown placeholder \{\{team\}\}/],
    // balanced but refused by Prometheus: these used to pass and fail every query of the signal at run time (exit 1, not 2)
    ['unknown function', 'sum by ({{clusterLabel}}) (rte(x{ {{clusterMatcher}} }[{{rateWindow}}]))', /unknown function rte\(\)/],
    ['by without parentheses', 'sum by {{clusterLabel}} (rate(x{ {{clusterMatcher}} }[{{rateWindow}}]))', /expected '\('/],
    ['dangling operator', 'sum by ({{clusterLabel}}) (rate(x{ {{clusterMatcher}} }[{{rateWindow}}])) /', /unexpected end of input/],
    ['bad duration', 'sum by ({{clusterLabel}}) (rate(x{ {{clusterMatcher}} }[5x]))', /bad duration|unexpected character/],
    ['empty range', 'sum by ({{clusterLabel}}) (rate(x{ {{clusterMatcher}} }[]))', /bad duration/],
    ['two expressions side by side', 'sum by ({{clusterLabel}}) (x{ {{clusterMatcher}} } y)', /unexpected 'y'/],
    ['bad label matcher', 'sum by ({{clusterLabel}}) (x{ {{clusterMatcher}}, job: "a" })', /expected one of = != =~ !~ in a label matcher/],
    ['rate of an instant vector', 'sum by ({{clusterLabel}}) (rate(x{ {{clusterMatcher}} }))', /rate\(\) needs a range vector/],
    ['histogram_quantile arguments swapped', 'histogram_quantile(sum by ({{clusterLabel}}, le) (rate(x_bucket{ {{clusterMatcher}} }[{{rateWindow}}])), 0.99)', /histogram_quantile\(\) needs a scalar as argument 1, got an instant vector/],
  ])('rejects a template with %s, naming the signal', (_name, promql, reason) => {
    const build = () => buildCatalog([{ ...good, promql }]);

    expect(build).toThrow(ConfigError);
    expect(build).toThrow(/signal queue_depth \(workload\): malformed PromQL template/);
    expect(build).toThrow(reason);
  });

  it('rejects a bad field with its path', () => {
    expect(() => buildCatalog([{ ...good, badDirection: 'sideways' }])).toThrow(/signal queue_depth \(workload\): badDirection/);
  });

  it.each([
    // before: `badDirection: Invalid option: expected one of "up"|"down"`
    [{ ...good, badDirection: 'sideways' }, 'badDirection: expected one of "up", "down", found string "sideways"', ['signals', 0, 'badDirection']],
    [{ ...good, unit: undefined }, 'unit: expected one of "ratio", "seconds", "per_second", "bytes", "count", found nothing', ['signals', 0, 'unit']],
    // an unknown field is named by its own path, so the config error points at its line
    [{ ...good, owner: 'sre' }, 'owner: unknown key (check spelling)', ['signals', 0, 'owner']],
  ])('names the field of a bad signal, what it expects and what was found: %j', (signal, what, path) => {
    const error = (() => {
      try { buildCatalog([signal]); } catch (err) { return err as ConfigError; }
      throw new Error('expected a ConfigError');
    })();

    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(`signal queue_depth (workload): ${what}; fix the signals section of the config`);
    expect(error.path).toEqual(path);
    expect(error.message).not.toMatch(/Invalid option|Invalid input|Too small|Too big|Unrecognized key/);
  });

  it('names what a signal id looks like and the id it found (was `id: expected lower_snake_case id, …`)', () => {
    const build = () => buildCatalog([{ ...good, id: 'Queue-Depth' }]);

    expect(build).toThrow(ConfigError);
    expect(build).toThrow('signal Queue-Depth (workload): id: expected a lower_snake_case id such as cpu_saturation, found string "Queue-Depth"; fix the signals section of the config');
  });

  it('accepts the example signal of fleetops.example.yaml, and {{componentMatcher}} left empty outside component "*"', () => {
    const example = '1 - (sum by ({{clusterLabel}}) (rate(http_requests_total{ {{clusterMatcher}}, job="payments", code=~"5.." }[{{rateWindow}}])) / sum by ({{clusterLabel}}) (rate(http_requests_total{ {{clusterMatcher}}, job="payments" }[{{rateWindow}}])))';

    expect(() => buildCatalog([{ ...good, promql: example }, { ...good, id: 'q2', promql: 'sum by ({{clusterLabel}}) (q{ {{clusterMatcher}}, {{componentMatcher}} })' }])).not.toThrow();
    expect(() => buildCatalog([{ ...good, component: '*', promql: 'sum by ({{clusterLabel}}) (q{ {{clusterMatcher}}, {{componentMatcher}} })' }])).not.toThrow();
  });

  it('ignores brackets inside string literals', () => {
    expect(checkPromqlTemplate('sum by ({{clusterLabel}}) (x{ {{clusterMatcher}}, path=~"/a(b" })')).toBeUndefined();
  });
});
