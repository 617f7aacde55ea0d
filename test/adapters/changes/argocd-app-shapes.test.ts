import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createArgoCdChanges, defaultComponentFromApp } from '../../../src/adapters/changes/argocd/index.js';
import { ArgoApplication } from '../../../src/adapters/changes/argocd/schema.js';
import type { ChangeQuery } from '../../../src/adapters/changes/types.js';
import { fixedClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import { startArgoCdFake, type ArgoCdFake, type FakeApp } from '../../fakes/argocd-fake.js';

const T0 = Date.UTC(2025, 5, 4, 10);
const MIN = 60_000;
const TOKEN = 'argocd-api-token';
const iso = (ms: number): string => new Date(ms).toISOString();
const sha = (c: string): string => c.repeat(40);
const query: ChangeQuery = { clusters: ['c1'], startMs: T0, endMs: T0 + 60 * MIN };
let fake: ArgoCdFake;

beforeEach(async () => {
  fake = await startArgoCdFake({ token: TOKEN });
});
afterEach(async () => {
  expect(fake.unexpected).toEqual([]);
  await fake.close();
});

function changes() {
  return createArgoCdChanges({ baseUrl: fake.url, token: TOKEN, logger: silentLogger, clock: fixedClock(T0 + 2 * 60 * MIN), retries: 0 });
}

function app(name: string, spec: Record<string, unknown>, status: Record<string, unknown>): FakeApp {
  return { metadata: { name, namespace: 'argocd' }, spec: { project: 'platform', destination: { name: 'c1' }, ...spec }, status };
}

const chart = { repoURL: 'https://charts.example.com', chart: 'coredns', targetRevision: '1.2.3', helm: { valueFiles: ['$values/coredns/values.yaml'] } };
const values = { repoURL: 'https://git.example.com/platform.git', targetRevision: 'main', ref: 'values' };

describe('Argo CD application shapes', () => {
  it('reads a multi-source app: every source revision is its version, its chart its component', async () => {
    fake.apps.push(app('coredns-c1', { sources: [chart, values] }, {
      history: [
        { id: 1, revisions: ['1.2.3', sha('a')], sources: [chart, values], deployedAt: iso(T0 - 24 * 60 * MIN) },
        // only the values repository moved: the chart version alone would read 1.2.3 → 1.2.3
        { id: 2, revisions: ['1.2.3', sha('b')], sources: [chart, values], deployStartedAt: iso(T0 + 10 * MIN), deployedAt: iso(T0 + 11 * MIN) },
      ],
      operationState: {
        phase: 'Failed', startedAt: iso(T0 + 30 * MIN), message: 'one or more objects failed to apply',
        operation: { sync: { revisions: ['1.2.4', sha('c')] } },
        syncResult: { revisions: ['1.2.4', sha('c')], sources: [{ ...chart, targetRevision: '1.2.4' }, values] },
      },
    }));

    const list = await changes().listChanges(query);

    expect(list.map((c) => [c.tsMs, c.component, c.status, c.fromVersion, c.toVersion])).toEqual([
      [T0 + 10 * MIN, 'coredns', 'succeeded', `1.2.3+${'a'.repeat(8)}`, `1.2.3+${'b'.repeat(8)}`],
      [T0 + 30 * MIN, 'coredns', 'failed', `1.2.3+${'b'.repeat(8)}`, `1.2.4+${'c'.repeat(8)}`],
    ]);
    expect(list[0].description).toBe(`Argo CD sync of coredns-c1 to 1.2.3, ${'b'.repeat(8)} (https://charts.example.com chart coredns)`);
    expect(list[1].description).toMatch(/^Argo CD sync of coredns-c1 to 1\.2\.4, c{8} failed: one or more objects/);
  });

  it('names the component by the configured label, else the chart of any source, else the app', async () => {
    const component = defaultComponentFromApp('team.example.com/component');

    const names = [
      app('a', { sources: [values, chart] }, {}), app('b', { source: chart }, {}), app('c', { sources: [values] }, {}),
      { ...app('d', { sources: [chart] }, {}), metadata: { name: 'd', labels: { 'team.example.com/component': 'dns' } } },
    ].map((a) => component(ArgoApplication.parse(a)));

    expect(names).toEqual(['coredns', 'coredns', 'c', 'dns']);
  });

  it('takes the image tag pinned in any source of a multi-source app', async () => {
    const tagged = (tag: string) => ({ ...values, helm: { parameters: [{ name: 'image.tag', value: tag }] } });
    fake.apps.push(app('coredns-c1', { sources: [chart, tagged('1.11.3')] }, {
      history: [
        { id: 1, revisions: ['1.2.3', sha('a')], sources: [chart, tagged('1.11.1')], deployedAt: iso(T0 - 60 * MIN) },
        { id: 2, revisions: ['1.2.3', sha('b')], sources: [chart, tagged('1.11.3')], deployedAt: iso(T0 + 10 * MIN) },
      ],
    }));

    const list = await changes().listChanges(query);

    expect(list.map((c) => [c.fromVersion, c.toVersion])).toEqual([['1.11.1', '1.11.3']]);
  });

  it('counts a sync once while Argo CD has recorded it in history but not yet marked the operation done', async () => {
    // the controller writes status.history before the operation's phase: between the two writes the
    // application shows the same sync as a history entry and as a running operation
    fake.apps.push(app('coredns-c1', {}, {
      history: [{ id: 4, revision: sha('a'), deployStartedAt: iso(T0 + 20 * MIN), deployedAt: iso(T0 + 22 * MIN) }],
      operationState: { phase: 'Running', startedAt: iso(T0 + 20 * MIN), operation: { sync: { revision: sha('a') } } },
    }));

    const list = await changes().listChanges(query);

    expect(list.map((c) => [c.id, c.status])).toEqual([['argocd:argocd/coredns-c1:4', 'succeeded']]);
  });

  it('reports a succeeded selective sync (never recorded in history) and does not lend its author to the last full sync', async () => {
    fake.apps.push(app('coredns-c1', {}, {
      history: [{ id: 1, revision: sha('a'), deployedAt: iso(T0 + 5 * MIN) }],
      operationState: {
        phase: 'Succeeded', startedAt: iso(T0 + 20 * MIN), finishedAt: iso(T0 + 21 * MIN), message: 'successfully synced (all tasks run)',
        operation: { sync: { revision: sha('b'), resources: [{ group: 'apps', kind: 'Deployment', name: 'coredns' }] }, initiatedBy: { username: 'carol' } },
      },
    }));

    const list = await changes().listChanges(query);

    expect(list.map((c) => [c.tsMs, c.status, c.author, c.toVersion])).toEqual([
      [T0 + 5 * MIN, 'succeeded', 'argocd', sha('a')],
      [T0 + 20 * MIN, 'succeeded', 'carol', sha('b')],
    ]);
    expect(list[1].description).toBe('Argo CD sync of coredns-c1 to bbbbbbbb (1 resource: Deployment/coredns) succeeded');
  });

  it.each(['Succeeded', 'Failed'])('ignores a dry run that %s: it changed nothing', async (phase) => {
    fake.apps.push(app('coredns-c1', {}, {
      history: [{ id: 1, revision: sha('a'), deployedAt: iso(T0 - 60 * MIN) }],
      operationState: { phase, startedAt: iso(T0 + 20 * MIN), message: 'x', operation: { sync: { revision: sha('b'), dryRun: true }, initiatedBy: { username: 'carol' } } },
    }));

    expect(await changes().listChanges(query)).toEqual([]);
  });
});
