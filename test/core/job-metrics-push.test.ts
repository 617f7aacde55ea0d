import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushJobMetrics } from '../../src/core/job-metrics.js';
import type { JobResult } from '../../src/core/run-job.js';
import { closeServer, listenLocal } from '../fakes/listen-local.js';

/** What a Pushgateway was sent, without one: method, path and the text exposition. */
const pushes: { method: string; path: string; body: string }[] = [];
let status = 200;
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (d) => { body += d; });
  req.on('end', () => {
    pushes.push({ method: req.method ?? '', path: req.url ?? '', body });
    res.writeHead(status).end(status >= 400 ? 'pushed metrics are invalid or inconsistent' : '');
  });
});
let url = '';

beforeAll(async () => { url = `http://127.0.0.1:${await listenLocal(server)}/`; });
afterAll(() => closeServer(server));

const failed = (...parts: string[]): JobResult => ({ runId: 'r1', exitCode: 1, summary: {}, failures: parts.map((part) => ({ part, message: 'x' })) });
const gauge = (body: string, kind: string) => Number(body.split('\n').find((l) => l.startsWith(`fleetops_job_failures{kind="${kind}"}`))?.split(' ').pop());

describe('pushJobMetrics to a Pushgateway', () => {
  it('pushes (POST) under the job and the shard as instance', async () => {
    pushes.length = 0;

    await pushJobMetrics({ url, job: 'fleet-scan', instance: '3/8', result: failed(), startedAtMs: 0, finishedAtMs: 1000 });

    expect(pushes.map((p) => [p.method, p.path])).toEqual([['POST', '/metrics/job/fleet-scan/instance/3of8']]);
  });

  it('counts every failed part under a kind: the kinds the jobs use, and any other under other', async () => {
    pushes.length = 0;

    await pushJobMetrics({ url, job: 'availability-digest', instance: 'all', result: failed('group:g1:symptom', 'group:g2', 'proposal:ab12', 'source:alert-history', 'sink:docs', 'odd-part'), startedAtMs: 0, finishedAtMs: 1000 });
    const body = pushes[0].body;

    expect([gauge(body, 'group'), gauge(body, 'proposal'), gauge(body, 'source'), gauge(body, 'sink'), gauge(body, 'other'), gauge(body, 'cluster')]).toEqual([2, 1, 1, 1, 1, 0]);
  });

  it('rejects when the gateway refuses the push, so the caller can report it', async () => {
    status = 400;

    const push = pushJobMetrics({ url, job: 'proposals', instance: 'all', result: failed(), startedAtMs: 0, finishedAtMs: 1000 });

    await expect(push).rejects.toThrow(/push failed with status 400/);
    status = 200;
  });
});
