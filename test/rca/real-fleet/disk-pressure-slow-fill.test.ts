import { describe, expect, it } from 'vitest';
import { evidenceRow, type EvidenceDraft } from '../../../src/rca/evidence/index.js';
import { checkDiskPressure } from '../../../src/rca/hypotheses/checks-node.js';
import { readFacts } from '../../../src/rca/hypotheses/evidence-facts.js';

const T0 = Date.UTC(2025, 5, 4, 10);
const NODE = 'ip-10-0-1-23.eu-west-1.compute.internal';

const disk = (before: number, peak: number): EvidenceDraft => ({
  source: 'metrics', query: 'node_disk_usage', startMs: T0, endMs: T0 + 1, excerpt: 'disk',
  data: { fact: 'metric-shift', signal: 'node_disk_usage', cluster: 'prod-eu-1', component: 'node', node: NODE, before, during: peak, peak, series: [] },
});
// as the kubelet reports them: Node conditions on the Node, evictions on the Pods (source.host = the node)
const event = (reason: string, kind: string, name: string, message: string): EvidenceDraft => ({
  source: 'events', query: 'events', startMs: T0, endMs: T0 + 1, excerpt: reason,
  data: { fact: 'event-reason', cluster: 'prod-eu-1', reason, type: 'Warning', count: 3, events: 1, firstMs: T0, message, objects: [{ name, kind, namespace: kind === 'Node' ? '' : 'shop', node: NODE, tsMs: T0 }] },
});
const PRESSURE = event('NodeHasDiskPressure', 'Node', NODE, `Node ${NODE} status is now: NodeHasDiskPressure`);
const EVICTED = event('Evicted', 'Pod', 'checkout-7c9f8d6b54-b5n8q', 'The node was low on resource: ephemeral-storage. Threshold quantity: 2147483648, available: 1803528Ki. ');
const RECOVERED = event('NodeHasNoDiskPressure', 'Node', NODE, `Node ${NODE} status is now: NodeHasNoDiskPressure`);
const facts = (...drafts: EvidenceDraft[]) => readFacts(drafts.map((d) => evidenceRow('g', d, T0)));

describe('disk pressure on a disk that filled slowly', () => {
  it('blames the node whose disk crossed the kubelet\'s thresholds (84% → 91%) and which evicted pods', () => {
    const [h] = checkDiskPressure(facts(disk(0.84, 0.91), PRESSURE, EVICTED), () => undefined);

    expect(h).toMatchObject({ failureMode: 'node.disk-pressure', entity: { cluster: 'prod-eu-1', node: NODE }, score: 5 });
  });

  it.each([
    ['no disk-pressure or eviction event', []],
    ['only the recovery event', [RECOVERED]],
  ])('does not blame a disk that rose little with %s', (_case, events) => {
    expect(checkDiskPressure(facts(disk(0.84, 0.91), ...events), () => undefined)).toEqual([]);
  });
});
