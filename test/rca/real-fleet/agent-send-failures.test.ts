/** Which log lines show a metrics agent failing to ship samples, on a cluster that stopped reporting. */
import { describe, expect, it } from 'vitest';
import type { EvidenceRow } from '../../../src/adapters/store/types.js';
import { checkStoppedReporting } from '../../../src/rca/hypotheses/checks-fleet.js';
import { readFacts } from '../../../src/rca/hypotheses/evidence-facts.js';

const row = (id: string, data: Record<string, unknown>): EvidenceRow => ({ id, groupId: 'g', source: data.fact === 'log-template' ? 'logs' : 'metrics', query: 'q', startMs: 0, endMs: 1, createdAtMs: 0, excerpt: id, data });
const missing = row('ev-missing', { fact: 'finding-summary', component: '*', signal: '*', kind: 'missing-data', direction: 'absent', clusters: ['prod-eu-1'] });
const log = (id: string, component: string, example: string) => row(id, { fact: 'log-template', cluster: 'prod-eu-1', component, level: 'error', template: example, example, count: 12, pods: [], nodes: [], namespace: 'x' });
const claim = (logs: EvidenceRow[]) => checkStoppedReporting(readFacts([missing, ...logs]))[0].supporting.find((c) => c.text.startsWith('the metrics agent logged'));

describe('a metrics agent failing to ship samples', () => {
  it.each([
    ['prometheus (agent mode)', 'ts=2026-11-30T10:01:02Z level=warn component=remote remote_name=central msg="Failed to send batch, retrying" err="context deadline exceeded"'],
    ['vmagent', '2026-11-30T10:01:02.000Z\twarn\tVictoriaMetrics/app/vmagent/remotewrite/client.go:339\tcouldn\'t send a block with size 431 bytes to "1:secret-url": Post "https://vm.example/api/v1/write": dial tcp: i/o timeout'],
    ['Grafana Alloy', 'ts=2026-11-30T10:01:02Z level=error msg="non-recoverable error" component_path=/ component_id=prometheus.remote_write.default err="server returned HTTP status 401 Unauthorized"'],
    ['the OpenTelemetry collector', '2026-11-30T10:01:02.000Z\terror\texporterhelper/queue_sender.go:92\tExporting failed. Dropping data.\t{"kind": "exporter", "name": "prometheusremotewrite", "error": "failed to push metrics"}'],
  ])('supports the hypothesis from %s\'s own words', (_agent, line) => {
    expect(claim([log('ev-agent', 'agent', line)])?.evidenceIds).toEqual(['ev-agent']);
  });

  it('does not take a batch job\'s or a web app\'s errors as the agent\'s', () => {
    // before: any line with batch, send or push counted
    expect(claim([
      log('ev-batch', 'batch-export', '[ERROR] batch export failed: upstream timeout after 30s'),
      log('ev-web', 'checkout', 'level=error msg="could not push event to queue, will send later"'),
    ])).toBeUndefined();
  });
});
