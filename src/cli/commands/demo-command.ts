import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import { configFileOf, createAppContext } from '../app-context.js';
import type { CliIo, Command } from '../command.js';
import { checkJobConfig } from '../job-runner.js';
import type { ParsedArgs } from '../parse-args.js';
import { runShardProcesses } from '../parallel-shards.js';
import { keepDemoStorePerWeek } from './demo-store.js';
import { runbooksLint } from './runbooks-lint-command.js';
import { digestCommand } from './digest-command.js';
import { proposalsCommand } from './proposals-command.js';
import { reportCommand } from './report-command.js';
import { retentionCommand } from './retention-command.js';
import { scanCommand } from './scan-command.js';

interface Step {
  /** The job's name, as runJobCommand records it: the sections it uses are checked before the first step. */
  name: string;
  command: Command;
  extraArgs: Record<string, string | boolean>;
}

const SHARDS = Math.max(1, Math.min(4, availableParallelism()));

/**
 * The fleet scan as production runs it: shards in parallel processes (one per core, like the Indexed
 * Job's pods), then the finalize step in this process.
 */
const shardedScan: Command = {
  name: 'fleet-scan',
  summary: 'sharded scan + finalize',
  async run(args, io) {
    const passthrough = ['--full', '--end', String(args.values.end), ...(typeof args.values.out === 'string' ? ['--out', args.values.out] : []), ...(typeof args.values.config === 'string' ? ['--config', args.values.config] : [])];
    const shards = await runShardProcesses(['scan', ...passthrough], io.env, SHARDS);
    for (const s of shards) {
      io.stdout(s.stdout);
      if (s.code !== 0) io.stderr(s.stderr.split('\n').filter((l) => !l.startsWith('{')).join('\n'));
    }
    const finalize = await scanCommand.run({ values: { ...args.values, finalize: true }, positionals: [] }, { ...io, env: { ...io.env, FLEETOPS_SHARD_COUNT: String(SHARDS) } });
    return Math.max(finalize, ...shards.map((s) => s.code));
  },
};

/** The daily pipeline in order; later steps are added as their jobs land. */
const STEPS: Step[] = [
  { name: 'runbooks lint', command: runbooksLint, extraArgs: {} },
  { name: 'fleet-scan', command: shardedScan, extraArgs: {} },
  { name: 'availability-digest', command: digestCommand, extraArgs: {} },
  { name: 'proposals', command: proposalsCommand, extraArgs: {} },
  { name: 'oncall-report', command: reportCommand, extraArgs: {} },
  { name: 'retention', command: retentionCommand, extraArgs: {} },
];

/** Demo defaults: two days of history is enough for the detectors and keeps `npm start` quick. */
const DEMO_ENV = { FLEETOPS__SCAN__LOOKBACKHOURS: '48', FLEETOPS__LOGLEVEL: 'warn' };

export const demoCommand: Command = {
  name: 'demo',
  summary: 'Run every job once, in pipeline order, on the embedded defaults (simulated fleet, SQLite, outbox), and summarise',
  async run(args, io) {
    const base = { ...DEMO_ENV, ...io.env };
    const app = createAppContext(args, { env: base, clock: io.clock, logger: io.logger });
    // what any step may use, before the first: a bad digest section otherwise surfaced after the whole scan
    checkJobConfig(STEPS.map((s) => s.name), app.config, { file: configFileOf(args, base), env: base });
    // every step and shard process must see the same simulated week, even if the hour turns meanwhile
    // (the start of today, as buildAdapters defaults it: the digest's default day is the simulated last day)
    const endIso = app.config.simulator.endTime ?? new Date(Math.floor(app.clock.nowMs() / 86_400_000) * 86_400_000).toISOString();
    // the weekly report's handoff is put at the simulated end, so the demo reports the simulated week
    const end = new Date(endIso);
    const handoff = { FLEETOPS__REPORT__HANDOFF__WEEKDAY: end.toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' }).toLowerCase(), FLEETOPS__REPORT__HANDOFF__TIME: endIso.slice(11, 16), FLEETOPS__REPORT__HANDOFF__TIMEZONE: 'UTC' };
    const env = { ...handoff, ...base, FLEETOPS__SIMULATOR__ENDTIME: endIso };
    const storeNote = keepDemoStorePerWeek(app.outDir, app.config.store, endIso);
    if (storeNote) io.stdout(`${storeNote}\n`);
    const started = Date.now();
    const results: { name: string; code: number; seconds: number; output: string }[] = [];
    for (const step of STEPS) {
      const t0 = Date.now();
      let output = '';
      const stepIo: CliIo = { ...io, env, stdout: (t) => { output += t; } };
      const stepArgs: ParsedArgs = { values: { ...args.values, end: endIso, ...step.extraArgs }, positionals: [] };
      const code = await step.command.run(stepArgs, stepIo).catch((err: Error) => { io.stderr(`${step.name}: ${err.message}\n`); return 1; });
      results.push({ name: step.name, code, seconds: (Date.now() - t0) / 1000, output });
    }
    io.stdout(summary(results, app.outDir, (Date.now() - started) / 1000));
    return Math.max(...results.map((r) => r.code)) > 0 ? 1 : 0;
  },
};

function summary(results: { name: string; code: number; seconds: number; output: string }[], outDir: string, seconds: number): string {
  const lines = results.map((r) => {
    const last = r.output.trim().split('\n').filter(Boolean);
    // retention's first line is its total; its table is in the step's own output
    const headline = r.name === 'runbooks lint' ? last[last.length - 1] : r.name === 'retention' ? last[0] : last.join('\n    ');
    return `${r.code === 0 ? '✔' : '✘'} ${r.name} (${r.seconds.toFixed(1)} s, exit ${r.code})\n    ${headline ?? ''}`;
  });
  const rel = relative(process.cwd(), outDir) || '.';
  return `\nfleetops demo: the daily pipeline on a simulated fleet\n\n${lines.join('\n')}\n\nOutputs in ${rel}/: ${join(rel, 'slack/index.html')} (Slack outbox preview), ${join(rel, 'docs/')} (documents), ${join(rel, 'scan/')} (scan summaries), ${join(rel, 'fleetops.db')} (SQLite store)\nTotal ${seconds.toFixed(1)} s.\n`;
}
