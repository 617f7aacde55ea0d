import { fmt } from '../evidence/evidence-row.js';
import { ids, type Facts } from './evidence-facts.js';
import { HypothesisBuilder, type Hypothesis } from './hypothesis.js';

/**
 * Landed at or before the cluster's onset, within two hours. The onset is the first bad sample, so a
 * change recorded after it came after the symptom: a confounder, never support for a rollout.
 */
const nearOnset = (m: number): boolean => m >= 0 && m <= 120;

/** One component version, rolled out to the affected clusters right before their onsets. */
export function checkBadRollout(f: Facts, groupClusters: number): Hypothesis[] {
  const versions = new Map<string, { component: string; version: string; attr?: (typeof f.attributes)[number] }>();
  for (const a of f.attributes.filter((x) => x.name.startsWith('version:'))) versions.set(`${a.name}=${a.value}`, { component: a.name.slice(8), version: a.value, attr: a });
  for (const c of f.changes.filter((x) => x.change.kind === 'deploy' && x.change.toVersion && nearOnset(x.minutesBeforeOnset))) {
    const key = `version:${c.change.component}=${c.change.toVersion}`;
    if (!versions.has(key)) versions.set(key, { component: c.change.component, version: c.change.toVersion! });
  }
  return [...versions.values()].map(({ component, version, attr }) => {
    const deploys = f.changes.filter((c) => c.change.kind === 'deploy' && c.change.component === component && c.change.toVersion === version);
    const before = deploys.filter((c) => nearOnset(c.minutesBeforeOnset));
    const clusters = new Set(before.map((c) => c.change.cluster));
    const first = [...before].sort((a, b) => a.change.tsMs - b.change.tsMs)[0];
    const h = new HypothesisBuilder('fleet.bad-rollout', { component, version, changeId: first?.change.id });
    if (attr) h.support(3, `${component} ${version} runs on ${fmt(attr.coverage * 100)}% of the affected clusters vs ${fmt(attr.coverage / attr.lift * 100)}% of the fleet (lift ${fmt(attr.lift)})`, ids(attr));
    if (clusters.size > 0) {
      const share = clusters.size / groupClusters;
      h.support(share >= 0.6 ? 3 : 1, `${component} was deployed to ${version} on ${clusters.size} of ${groupClusters} affected clusters shortly before each cluster's onset`, ids(...before.slice(0, 5)));
      if (groupClusters < 2) h.contradict(2, 'only one cluster is affected: a fleet rollout would hit every cluster that took the version', ids(...before.slice(0, 1)));
    } else if (!f.unread.has('changes')) {
      // with no deploy history configured, no deploy found is no evidence against a rollout
      h.contradict(2, `no deploy of ${component} ${version} landed on the affected clusters in the hours before onset`, ids(...deploys.slice(0, 3), ...f.changes.slice(0, 1), attr));
    }
    const errs = f.logs.filter((l) => l.component === component && l.level === 'error' && l.rose !== false);
    h.support(1, `${errs.reduce((n, l) => n + l.count - (l.countBeforeOnset ?? 0), 0)} error lines from ${component} since the onset`, ids(...errs.slice(0, 3)));
    return h.build();
  });
}

/** Every cluster of one cloud region degrading at once, regardless of version. */
export function checkRegional(f: Facts): Hypothesis[] {
  return f.attributes.filter((a) => a.name === 'region').map((a) => {
    const h = new HypothesisBuilder('cloud.regional-degradation', { region: a.value });
    h.support(3, `${fmt(a.coverage * 100)}% of the affected clusters are in ${a.value}, vs ${fmt(a.coverage / a.lift * 100)}% of the fleet (lift ${fmt(a.lift)})`, ids(a));
    const control = f.shifts.filter((s) => (s.component === 'apiserver' || s.component === 'etcd') && s.signal === 'latency_p99' && s.during > 1.5 * s.before);
    h.support(1, `control-plane latency up on ${new Set(control.map((s) => s.cluster)).size} sampled clusters (${control.slice(0, 2).map((s) => `${s.component} ${fmt(s.before)}s → ${fmt(s.during)}s`).join(', ')})`, ids(...control.slice(0, 4)));
    const cloudErrors = f.logs.filter((l) => ['apiserver', 'csi', 'etcd'].includes(l.component) && l.level === 'error' && l.rose !== false);
    h.support(1, `cloud/storage API errors in the logs: "${cloudErrors[0]?.example.slice(0, 100) ?? ''}"`, ids(...cloudErrors.slice(0, 3)));
    const versionAttrs = f.attributes.filter((x) => x.name.startsWith('version:') && x.lift * x.coverage > a.lift * a.coverage);
    if (versionAttrs.length) h.contradict(2, `a component version (${versionAttrs[0].name}=${versionAttrs[0].value}) explains the affected clusters better than the region`, ids(...versionAttrs));
    return h.build();
  });
}

/**
 * A metrics agent failing to ship samples: Prometheus and its agent mode (`component=remote`, "Failed to send
 * batch, retrying"), vmagent ("couldn't send a block … to remote storage"), Grafana Alloy and the OpenTelemetry
 * collector (prometheus.remote_write, "failed to push metrics"). Before, any line with batch, send or push counted,
 * a batch job's or an app's "could not push event" too.
 */
const AGENT_SEND_FAILED = /component=["']?remote\b|remote[ _-]?(write|storage)|queue_manager|failed to send batch|(couldn't|cannot|could not|unable to) send a block|fail(ed)? to push (metrics|samples)/i;

/** A cluster whose series stopped arriving: the agent, not the cluster, is down. */
export function checkStoppedReporting(f: Facts): Hypothesis[] {
  const missing = f.findings.filter((x) => x.kind === 'missing-data');
  return [...new Set(missing.flatMap((m) => m.clusters))].map((cluster) => {
    const h = new HypothesisBuilder('cluster.stopped-reporting', { cluster, component: 'prometheus-agent' });
    h.support(3, `every series of ${cluster} stopped arriving (expected by the inventory)`, ids(...missing));
    const absent = f.absent.filter((a) => a.cluster === cluster);
    h.support(2, `${absent.length} golden series of ${cluster} had samples before and none since the onset`, ids(...absent.slice(0, 3)));
    const agent = f.logs.filter((l) => l.cluster === cluster && AGENT_SEND_FAILED.test(l.example) && l.level !== 'info');
    h.support(1, `the metrics agent logged failed sends before it went quiet: "${agent[0]?.example.slice(0, 120) ?? ''}"`, ids(...agent.slice(0, 2)));
    return h.build();
  });
}
