import { formatFailures } from '../format-failures.js';
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { availabilityDigestJob, checkDigestDay, type DigestSummary } from '../../digest/availability-digest-job.js';
import { createDefaultDigestEngine } from '../../digest/default-digest-engine.js';
import { createDigestLlm } from '../../digest/digest-llm.js';
import { resolveDigestWindow } from '../../digest/digest-window.js';
import { formatDigestSummary } from '../../digest/format-digest-summary.js';
import type { Command } from '../command.js';
import { dataNowMs, runJobCommand } from '../job-runner.js';

export const digestCommand: Command = {
  name: 'digest',
  summary: 'availability-digest: explain the last day\'s dips (groups, evidence, RCA), write the document and the Slack digest',
  usage: `  --day YYYY-MM-DD   the UTC day to digest (default: the last whole UTC day, yesterday; on the simulator, the last whole day before the simulated end)
Reruns for the same day edit the document and the Slack messages instead of posting new ones; a reply whose group a rerun regrouped is marked superseded.`,
  options: { day: { type: 'string' } },
  async run(args, io) {
    const day = typeof args.values.day === 'string' ? args.values.day : undefined;
    if (day !== undefined) resolveDigestWindow(day, 0);
    let summary: DigestSummary | undefined;
    let endMs = 0;
    const result = await runJobCommand('availability-digest', args, io, async (app, adapters, ctx) => {
      const guardrails = (await import('./proposals-wiring.js')).wireGuardrailGate(app, adapters);
      summary = await availabilityDigestJob(adapters, ctx, { day, endMs, engine: createDefaultDigestEngine(), llm: createDigestLlm(app.config, ctx.logger), guardrails });
      writeFileAtomic(join(app.outDir, 'digest', `summary-${summary.day}.json`), JSON.stringify({ runId: ctx.runId, ...summary }, null, 1));
      return summary;
    }, {
      // a --day older than retention keeps: refused before the run
      check: (app, adapters) => {
        endMs = dataNowMs(app, adapters);
        checkDigestDay(day, endMs, app.config.retention);
      },
    });
    if (summary) io.stdout(formatDigestSummary(summary, { outDir: result.app.outDir, channel: result.app.config.chat.slack.digestChannel }));
    io.stderr(formatFailures(result.failures, result.runId));
    return result.exitCode;
  },
};
