import { describe, expect, it } from 'vitest';
import { clusterLogTemplates, maskLine } from '../../../src/rca/log-templates.js';

const T0 = Date.UTC(2025, 5, 4, 10);

/** Two different errors of one program, in each structured format Kubernetes programs log in. */
const FORMATS: [string, string[]][] = [
  ['JSON (zap, cert-manager --logging-format=json)', [
    '{"level":"error","ts":"2025-06-04T10:01:02.123Z","logger":"cert-manager.controller","msg":"re-queuing item due to error processing","key":"shop/web-tls","error":"acme: authorization error for shop.example.com: 403"}',
    '{"level":"error","ts":"2025-06-04T10:01:03.456Z","logger":"cert-manager.controller","msg":"failed to update status","key":"shop/api-tls","error":"Operation cannot be fulfilled on certificates.cert-manager.io \\"api-tls\\""}',
  ]],
  ['klog structured (kubelet, controllers)', [
    'E0604 10:01:00.123456       1 pod_workers.go:1298] "Error syncing pod, skipping" err="failed to \\"StartContainer\\" for \\"app\\" with CrashLoopBackOff" pod="shop/checkout-7c9f8d6b54-b5n8q" podUID="3f2a9c1e-8b7d-4e6f-9a0b-1c2d3e4f5a6b"',
    'E0604 10:01:01.654321       1 pod_workers.go:1301] "Pod sandbox creation failed" err="rpc error: code = Unknown" pod="shop/search-6d5f7c8b9-k2j4m" podUID="4a3b2c1d-8b7d-4e6f-9a0b-1c2d3e4f5a6b"',
  ]],
  ['logfmt (Prometheus agent)', [
    'ts=2025-06-04T10:01:02.123Z caller=dedupe.go:112 component=remote level=warn remote_name=abc url=https://mimir.example.com/api/v1/push msg="Failed to send batch, retrying" err="context deadline exceeded"',
    'ts=2025-06-04T10:01:03.123Z caller=dedupe.go:112 component=remote level=warn remote_name=abc url=https://mimir.example.com/api/v1/push msg="Dropped samples: remote queue full" err="queue full"',
  ]],
];

describe('templates of structured log lines', () => {
  it.each(FORMATS)('keep two different %s messages apart and each recognisable', (_format, [a, b]) => {
    const lines = [...Array(20)].flatMap((_, i) => [{ tsMs: T0 + i, message: a }, { tsMs: T0 + i, message: b }]);

    const templates = clusterLogTemplates(lines);

    expect(templates.map((t) => t.count)).toEqual([20, 20]);
    expect(maskLine(a)).not.toBe(maskLine(b));
  });

  it.each([
    ['{"level":"error","ts":1717495262.123,"msg":"payment gateway timeout after 5000ms","order":"o-8812"}', '{"level":<STR>,"ts":<NUM>,"msg":"payment gateway timeout after <DUR>","order":<STR>}'],
    ['E0604 10:01:00.123456       1 controller.go:167] "Reconciler error" err="x" controller="certificate" name="web-tls"', 'E <TS> <NUM> controller.go:<NUM>] "Reconciler error" err=<STR> controller=<STR> name=<STR>'],
    ['level=error msg="Error on ingesting samples with different value but same timestamp" num_dropped=12', 'level=error msg="Error on ingesting samples with different value but same timestamp" num_dropped=<NUM>'],
    ['Failed to watch *v1.Secret: Get "https://10.96.0.1:443/api/v1/secrets?limit=500": x509: certificate signed by unknown authority', 'Failed to watch *v1.Secret: Get <STR>: x509: certificate signed by unknown authority'],
  ])('%s', (line, masked) => {
    expect(maskLine(line)).toBe(masked);
  });
});
