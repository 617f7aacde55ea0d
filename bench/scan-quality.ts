/**
 * Detection quality on simulator seeds nobody tuned to:
 * `tsx bench/scan-quality.ts [--seeds 11..20] [--clusters 200] [--days 3] [--json]`.
 */
import { parseArgs } from 'node:util';
import { evaluateScanQuality, type QualityResult } from './scan/quality.js';

const { values: args } = parseArgs({ options: { seeds: { type: 'string', default: '11..20' }, clusters: { type: 'string', default: '200' }, days: { type: 'string', default: '3' }, json: { type: 'boolean' }, verbose: { type: 'boolean' } } });
const [from, to] = args.seeds.includes('..') ? args.seeds.split('..').map(Number) : [Number(args.seeds), Number(args.seeds)];
const results: QualityResult[] = [];
for (let seed = from; seed <= to; seed++) {
  const r = await evaluateScanQuality({ seed, clusters: Number(args.clusters), days: Number(args.days) });
  results.push(r);
  if (!args.json) {
    console.log(`seed ${seed}: recall ${r.found}/${r.incidents} (${r.inWarmup} in warm-up, not counted), false alarms ${r.falseAlarms} (${r.falseAlarmsPerClusterDay.toFixed(4)}/cluster-day), confounder criticals ${r.confounderCriticals}; findings ${JSON.stringify(r.findingsBySeverity)}`);
    if (r.missed.length) console.log(`  missed: ${r.missed.map((m) => `${m.kind}(${m.clusters})`).join(', ')}`);
    if (args.verbose) console.log(`  false by kind: ${JSON.stringify(r.falseByKind)}`);
  }
}
const incidents = results.reduce((n, r) => n + r.incidents, 0);
const found = results.reduce((n, r) => n + r.found, 0);
const falseAlarms = results.reduce((n, r) => n + r.falseAlarms, 0);
const clusterDays = results.reduce((n, r) => n + r.clusters * r.days, 0);
const total = { seeds: `${from}..${to}`, incidents, found, recall: found / incidents, falseAlarms, falseAlarmsPerClusterDay: falseAlarms / clusterDays, confounderCriticals: results.reduce((n, r) => n + r.confounderCriticals, 0) };
if (args.json) console.log(JSON.stringify({ total, results }));
else console.log(`total: recall ${found}/${incidents} = ${(total.recall * 100).toFixed(1)}%, false alarms ${falseAlarms} = ${total.falseAlarmsPerClusterDay.toFixed(4)} per cluster-day, confounder criticals ${total.confounderCriticals}`);
