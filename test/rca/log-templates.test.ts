import { describe, expect, it } from 'vitest';
import { clusterLogTemplates, maskLine, type TemplateLine } from '../../src/rca/log-templates.js';

const T0 = Date.UTC(2025, 5, 4, 10);
const SEC = 1000;
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const klogTime = (i: number): string => `0604 10:${pad(Math.floor(i / 60) % 60)}:${pad(i % 60)}.${pad((i * 7919) % 1_000_000, 6)}`;

/** A realistic mix: CoreDNS upstream timeouts, kubelet CNI and probe errors, expired and untrusted certificates. */
function incidentLines(): TemplateLine[] {
  const lines: TemplateLine[] = [];
  const add = (n: number, cluster: (i: number) => string, message: (i: number) => string, offsetSec = 0): void => {
    for (let i = 0; i < n; i++) lines.push({ tsMs: T0 + (offsetSec + i) * SEC, cluster: cluster(i), message: message(i) });
  };
  const names = ['api.example.com.', 'db.internal.', 'auth.payments.svc.cluster.local.'];
  add(120, (i) => `c${i % 4}`, (i) => `[ERROR] plugin/errors: 2 ${names[i % 3]} ${i % 2 ? 'AAAA' : 'A'}: read udp 10.244.${i % 5}.${i % 250}:${40000 + i}->10.96.0.10:53: i/o timeout`);
  add(40, () => 'c1', (i) => `E${klogTime(i)}    1234 kubelet.go:2855] "Container runtime network not ready" networkReady="NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized"`, 100);
  add(30, () => 'c1', (i) => `I${klogTime(i)}    1234 prober.go:107] "Probe failed" probeType="Readiness" pod="kube-system/coredns-5d78c9869d-x7k${i % 10}p" podUID=3f2a9c1e-8b7d-4e6f-9a0b-1c2d3e4f5a6${i % 10} containerName="coredns" probeResult="failure" output="Get \\"http://10.244.1.${i}:8181/ready\\": context deadline exceeded"`, 200);
  add(25, () => 'c2', (i) => `http: TLS handshake error from 10.0.${i}.7:${50000 + i}: x509: certificate has expired or is not yet valid: current time 2025-06-04T10:${pad(i)}:00Z is after 2025-06-04T00:00:00Z`, 300);
  add(10, () => 'c3', () => 'Failed to watch *v1.Secret: failed to list *v1.Secret: Get "https://10.96.0.1:443/api/v1/secrets?limit=500": x509: certificate signed by unknown authority', 400);
  add(5, () => 'c0', () => '[INFO] Reloading complete', 500);
  return lines;
}

describe('maskLine', () => {
  it.each([
    ['[ERROR] plugin/errors: 2 example.com. A: read udp 10.244.1.5:41234->10.96.0.10:53: i/o timeout', '[ERROR] plugin/errors: <NUM> example.com. A: read udp <IP>-><IP>: i/o timeout'],
    ['E0604 10:01:00.123456    1234 kubelet.go:2855] "Container runtime network not ready"', 'E <TS> <NUM> kubelet.go:<NUM>] "Container runtime network not ready"'],
    ['x509: certificate has expired: current time 2025-06-04T10:01:02Z is after 2025-06-03T23:59:59Z', 'x509: certificate has expired: current time <TS> is after <TS>'],
    ['Back-off restarting failed container app in pod payments-api-7f9c8d6b5-x7k2p_apps(3f2a9c1e-8b7d-4e6f-9a0b-1c2d3e4f5a6b)', 'Back-off restarting failed container app in pod payments-api-<ID>_apps(<UUID>)'],
    ['Killed process 4321 (java) total-vm:4123456kB, anon-rss:2097152kB', 'Killed process <NUM> (java) total-vm:<NUM>, anon-rss:<NUM>'],
    ['slow request: took 1.2s after 2m30s', 'slow request: took <DUR> after <DUR>'],
    ['pulled coredns:v1.11.3 digest 9f86d081884c7d65 at fe80::1ff:fe23:4567:890a', 'pulled coredns:<VER> digest <HEX> at <IP>'],
    ['kept: x509 ipv4 h2 std::string read-write   spaces', 'kept: x509 ipv4 h2 std::string read-write spaces'],
  ])('%s', (line, masked) => {
    expect(maskLine(line)).toBe(masked);
  });
});

describe('clusterLogTemplates', () => {
  it('groups CoreDNS, kubelet and x509 lines into known templates with counts, times and clusters', () => {
    const templates = clusterLogTemplates(incidentLines());

    expect(templates.map((t) => [t.count, t.template])).toEqual([
      [120, '[ERROR] plugin/errors: <NUM> <*> <*> read udp <IP>-><IP>: i/o timeout'],
      [40, 'E <TS> <NUM> kubelet.go:<NUM>] "Container runtime network not ready" networkReady=<STR>'],
      [30, 'I <TS> <NUM> prober.go:<NUM>] "Probe failed" probeType=<STR> pod=<STR> podUID=<UUID> containerName=<STR> probeResult=<STR> output=<STR>'],
      [25, 'http: TLS handshake error from <IP>: x509: certificate has expired or is not yet valid: current time <TS> is after <TS>'],
      [10, 'Failed to watch *v1.Secret: failed to list *v1.Secret: Get <STR>: x509: certificate signed by unknown authority'],
      [5, '[INFO] Reloading complete'],
    ]);
    expect(templates[0]).toMatchObject({ firstTsMs: T0, lastTsMs: T0 + 119 * SEC, clusters: ['c0', 'c1', 'c2', 'c3'] });
    expect(templates[0].sample).toMatch(/^\[ERROR\] plugin\/errors: 2 api\.example\.com\. A: read udp 10\.244\.0\.0:40000/);
    expect(templates[3]).toMatchObject({ firstTsMs: T0 + 300 * SEC, lastTsMs: T0 + 324 * SEC, clusters: ['c2'] });
  });

  it('does not depend on the order of the input', () => {
    const lines = incidentLines();
    const reversed = [...lines].reverse();
    const interleaved = [...lines.filter((_, i) => i % 2), ...lines.filter((_, i) => i % 2 === 0)];

    const a = clusterLogTemplates(lines);

    expect(clusterLogTemplates(reversed)).toEqual(a);
    expect(clusterLogTemplates(interleaved)).toEqual(a);
  });

  it.each([
    { similarity: 0.5, want: [[2, 'Node <*> status is now: <*>']] },
    { similarity: 0.9, want: [[1, 'Node node-a status is now: NodeNotReady'], [1, 'Node node-b status is now: NodeReady']] },
  ])('merges lines whose tokens mostly agree (similarity $similarity)', ({ similarity, want }) => {
    const lines = [{ tsMs: T0, message: 'Node node-a status is now: NodeNotReady' }, { tsMs: T0 + SEC, message: 'Node node-b status is now: NodeReady' }];

    const templates = clusterLogTemplates(lines, { similarity });

    expect(templates.map((t) => [t.count, t.template])).toEqual(want);
  });

  it('never merges lines of different length or first token', () => {
    const lines = ['connection refused', 'connection reset by peer', 'dial tcp: connection refused'].map((message, i) => ({ tsMs: T0 + i, message }));

    expect(clusterLogTemplates(lines)).toHaveLength(3);
  });

  it('returns nothing for no lines', () => {
    expect(clusterLogTemplates([])).toEqual([]);
  });

  // CPU time, not wall time: on a shared 2-core runner the wall clock measures the neighbours.
  it('clusters 100,000 lines in under a second of CPU', () => {
    const base = incidentLines();
    const lines: TemplateLine[] = [];
    for (let i = 0; i < 100_000; i++) {
      const b = base[i % base.length];
      lines.push({ tsMs: b.tsMs + i, cluster: `c${i % 1400}`, message: b.message.replace(/10\.244\.\d+/, `10.244.${i % 256}`) });
    }

    const started = process.cpuUsage();
    const templates = clusterLogTemplates(lines);
    const used = process.cpuUsage(started);

    expect(templates).toHaveLength(6);
    expect(templates.reduce((s, t) => s + t.count, 0)).toBe(100_000);
    expect(templates[0].clusters).toHaveLength(1400);
    expect((used.user + used.system) / 1000).toBeLessThan(1000);
  });
});
