import { fmt } from '../evidence/evidence-row.js';
import { ids, type Facts } from './evidence-facts.js';
import { HypothesisBuilder, type Hypothesis } from './hypothesis.js';
import { compareText } from '../../core/compare-text.js';

/** A certificate that expired: TLS failures at the ingress. */
export function checkCertExpired(f: Facts): Hypothesis[] {
  const expired = f.shifts.filter((s) => s.signal === 'cert_expiry_seconds' && (s.low ?? s.during) <= 0);
  return [...new Set(expired.map((s) => s.cluster))].map((cluster) => {
    const certs = expired.filter((s) => s.cluster === cluster);
    const h = new HypothesisBuilder('cert-manager.certificate-expired', { cluster, component: 'cert-manager' });
    h.support(3, `certificate ${certs.map((c) => c.entity).join(', ')} in ${cluster} expired during the incident`, ids(...certs));
    const tls = f.logs.filter((l) => l.cluster === cluster && /certificate (has )?expired|x509|renew/i.test(l.example));
    h.support(2, `${tls.reduce((n, l) => n + l.count, 0)} TLS/renewal errors in the logs ("${tls[0]?.example.slice(0, 100) ?? ''}")`, ids(...tls.slice(0, 3)));
    const ev = f.events.filter((e) => e.cluster === cluster && /Expired|Failed/.test(e.reason) && e.objects.some((o) => /Certificate/.test(o.kind)));
    h.support(1, `cert-manager events: ${ev.map((e) => `${e.count}× ${e.reason}`).join(', ')}`, ids(...ev));
    return h.build();
  });
}

/** Containers OOM-killed since a config change raised their memory use. */
export function checkOomAfterConfig(f: Facts): Hypothesis[] {
  const ooms = f.shifts.filter((s) => s.signal === 'oom_kills' && s.during > 0 && s.during > 2 * s.before);
  return [...new Set(ooms.map((s) => s.cluster))].map((cluster) => {
    const pods = ooms.filter((s) => s.cluster === cluster).sort((a, b) => b.during - a.during || compareText(String(a.pod), String(b.pod)));
    const config = f.changes.filter((c) => c.change.cluster === cluster && c.change.kind === 'config' && c.minutesBeforeOnset >= 0 && c.minutesBeforeOnset <= 180)
      .sort((a, b) => a.minutesBeforeOnset - b.minutesBeforeOnset);
    const h = new HypothesisBuilder('workload.oom-after-config', { cluster, component: 'workload', pod: pods[0].pod, changeId: config[0]?.change.id });
    h.support(3, `${pods.length} pods OOM-killed during the incident (${pods.slice(0, 2).map((p) => `${p.pod}: ${fmt(p.during)} kills`).join(', ')})`, ids(...pods));
    if (config.length) h.support(2, `config change ${fmt(config[0].minutesBeforeOnset)} min before onset: ${config[0].change.description.slice(0, 120)}`, ids(config[0]));
    else if (!f.unread.has('changes')) h.contradict(2, 'no config change on this cluster before the OOM kills started', ids(...pods.slice(0, 1)));
    // OOM events (the node's), and back-offs of the OOM-killed pods only: the kubelet's BackOff is also "Back-off pulling image" of any pod
    const killed = new Set(pods.map((p) => p.pod));
    const ev = f.events.filter((e) => e.cluster === cluster && (/OOM/.test(e.reason) || (/BackOff/.test(e.reason) && e.objects.some((o) => killed.has(o.name)))));
    h.support(1, `${ev.map((e) => `${e.count}× ${e.reason}`).join(', ')} events`, ids(...ev));
    return h.build();
  });
}
