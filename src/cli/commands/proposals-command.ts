import { formatFailures } from '../format-failures.js';
import type { Adapters } from '../../adapters/index.js';
import { describeIssues } from '../../core/config/format-issues.js';
import { ConfigError } from '../../core/errors.js';
import type { JobContext } from '../../core/run-job.js';
import { proposalsJob, type ProposalsJobDeps, type ProposalsJobSummary } from '../../remediation/proposals-job.js';
import { RemediationConfig } from '../../remediation/remediation-config.js';
import type { AppContext } from '../app-context.js';
import type { Command } from '../command.js';
import { runJobCommand } from '../job-runner.js';

/** Builds the job's dependencies from the configured adapters (ClusterOps, guardrail gate, symptom verifier). */
export type ProposalsWiring = (app: AppContext, adapters: Adapters, ctx: JobContext, config: RemediationConfig) => Promise<ProposalsJobDeps>;

/** The `remediation` config section (defaults when the lead's schema has not wired it yet). */
export function remediationConfigOf(app: AppContext): RemediationConfig {
  const raw = (app.config as { remediation?: unknown }).remediation ?? {};
  const parsed = RemediationConfig.safeParse(raw);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error.issues, RemediationConfig, raw, { reference: 'fleetops.example.yaml' });
    throw new ConfigError(problems.map((p) => `${['remediation', ...p.path].join('.')}: ${p.message}`).join('\n'), { cause: parsed.error });
  }
  return parsed.data;
}

export function formatProposalsSummary(s: ProposalsJobSummary): string {
  const kv = (o: Record<string, number | undefined>) => Object.entries(o).map(([k, v]) => `${k}=${v}`).join(' ') || 'none';
  return `proposals: open=${s.open} approved=${s.approved} executions: ${kv(s.executed)} closed: ${kv(s.closed)} audit-head=${s.auditHeadPosted ? 'posted' : 'already'} feedback=${s.feedbackRecorded}${s.threads ? ` threads read=${s.threads.read} unchanged=${s.threads.unchanged}` : ''}${s.notReconciled.length ? ` not-reconciled=${s.notReconciled.length} (left to the next run: ${s.notReconciled.slice(0, 10).join(', ')}${s.notReconciled.length > 10 ? ', …' : ''})` : ''}\n`;
}

/** The `proposals` command (the CronJob body), with the wiring injected. */
export function createProposalsCommand(wiring: ProposalsWiring): Command {
  return {
    name: 'proposals',
    summary: 'proposals: read approvals in Slack threads, execute approved safe operations (resumable), verify, audit (every 2 minutes)',
    async run(args, io) {
      let summary: ProposalsJobSummary | undefined;
      let config: RemediationConfig | undefined;
      const result = await runJobCommand('proposals', args, io, async (app, adapters, ctx) => {
        const deps = await wiring(app, adapters, ctx, config ?? remediationConfigOf(app));
        summary = await proposalsJob(deps, ctx);
        return { ...summary };
      }, { check: (app) => { config = remediationConfigOf(app); } });
      if (summary) io.stdout(formatProposalsSummary(summary));
      io.stderr(formatFailures(result.failures, result.runId));
      return result.exitCode;
    },
  };
}

/** The `proposals` command over the configured adapters. */
export const proposalsCommand: Command = createProposalsCommand(async (...args) => (await import('./proposals-wiring.js')).wireProposals(...args));
