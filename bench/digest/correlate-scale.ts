/**
 * How correlation grows with the day's findings, on synthetic days (synthetic-day.ts) of a fleet:
 * `tsx bench/digest/correlate-scale.ts [--clusters 7000] [--per-cluster 0.25,0.5,1,2] [--repeat 3] [--json]`.
 * The simulator's default day has a fixed handful of incidents; a noisier fleet or a bad day has
 * a finding or more per cluster. CPU time of `correlate` (best of --repeat), groups out, and an
 * output hash, so a change can be checked to give the same groups.
 */
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { correlate } from '../../src/correlate/index.js';
import { syntheticDay } from './synthetic-day.js';

const { values: args } = parseArgs({ options: {
  clusters: { type: 'string', default: '7000' }, 'per-cluster': { type: 'string', default: '0.25,0.5,1,2' }, repeat: { type: 'string', default: '3' }, json: { type: 'boolean' },
} });

const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const rows: { clusters: number; findings: number; groups: number; cpuMs: number; hash: string }[] = [];
for (const per of args['per-cluster'].split(',').map(Number)) {
  const day = syntheticDay({ clusters: Number(args.clusters), findingsPerCluster: per });
  let best = Infinity;
  let groups: ReturnType<typeof correlate> = [];
  for (let i = 0; i < Math.max(1, Number(args.repeat)); i++) {
    const t0 = cpuMs();
    groups = correlate(day.findings, day.clusters, { day: day.day, maintenance: day.maintenance });
    best = Math.min(best, cpuMs() - t0);
  }
  const hash = createHash('sha256').update(JSON.stringify(groups)).digest('hex').slice(0, 16);
  rows.push({ clusters: day.clusters.length, findings: day.findings.length, groups: groups.length, cpuMs: best, hash });
  if (!args.json) console.log(`${day.clusters.length} clusters, ${day.findings.length} findings → ${groups.length} groups: correlate ${best.toFixed(0)} ms CPU (best of ${args.repeat}), output ${hash}`);
}
if (args.json) console.log(JSON.stringify(rows));
