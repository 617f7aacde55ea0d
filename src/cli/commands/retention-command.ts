import { formatFailures } from '../format-failures.js';
import { formatRetentionSummary } from '../../retention/format-retention-summary.js';
import { retentionJob, type RetentionSummary } from '../../retention/retention-job.js';
import type { Command } from '../command.js';
import { runJobCommand } from '../job-runner.js';

export const retentionCommand: Command = {
  name: 'retention',
  summary: 'retention: delete store rows older than the retention section allows, in batches; prints the rows per kind (daily)',
  usage: `  --dry-run       count what would be deleted, delete nothing
Never deleted: the audit log, open proposals and everything they reference, runs still running. Detector
states of clusters gone from the inventory longer than scan.lookbackHours are deleted. Each DELETE takes at
most retention.batchSize rows in its own transaction; a run stopped at its deadline or by a signal exits 1,
and the next run deletes the rest.`,
  async run(args, io) {
    const dryRun = args.values['dry-run'] === true;
    let summary: RetentionSummary | undefined;
    const result = await runJobCommand('retention', args, io, async (app, adapters, ctx) => {
      const { config } = app;
      summary = await retentionJob({ store: await adapters.store(), inventory: adapters.inventory() }, ctx, {
        config: config.retention, dryRun, scanLookbackHours: config.scan.lookbackHours, feedbackLookbackDays: config.remediation.feedbackLookbackDays,
        ...(config.metrics.kind === 'simulator' && { dataNowMs: adapters.fleet().rangeMs.endMs }),
      });
      return { ...summary };
    });
    if (summary) io.stdout(formatRetentionSummary(summary));
    io.stderr(formatFailures(result.failures, result.runId));
    return result.exitCode;
  },
};
