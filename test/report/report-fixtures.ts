import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertHistory } from '../../src/adapters/alerts/types.js';
import type { ChatChannel } from '../../src/adapters/chat/types.js';
import type { DocWriter } from '../../src/adapters/docs/types.js';
import type { LlmClient } from '../../src/adapters/llm/types.js';
import { createStore } from '../../src/adapters/store/index.js';
import type { Store } from '../../src/adapters/store/types.js';
import { fixedClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { runJob, type JobResult } from '../../src/core/run-job.js';
import { oncallReportJob, type OncallReportDeps, type OncallReportResult } from '../../src/report/oncall-report-job.js';
import { ReportConfig } from '../../src/report/report-config.js';
import { createSimulatedAdapters, createSimulatedFleet, type SimulatedFleet } from '../../src/simulator/index.js';

/** 300 simulated clusters over 16 days ending Wed 2025-06-04: the last finished week starts Mon 2025-05-26 09:00 UTC. */
export const fleet: SimulatedFleet = createSimulatedFleet({ clusters: 300, days: 16 });
export const simulatedAlerts: AlertHistory = createSimulatedAdapters(fleet).alerts;
export const NOW_MS = fleet.rangeMs.endMs;
export const WEEK = '2025-05-26';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'fleetops-report-'));
}

export async function memoryStore(): Promise<Store> {
  const store = await createStore({ kind: 'sqlite', path: ':memory:' });
  await store.migrate();
  return store;
}

export function stubLlm(text: string | Error): LlmClient & { calls: number } {
  const llm = {
    kind: 'bedrock' as const,
    calls: 0,
    async converse() {
      llm.calls += 1;
      if (text instanceof Error) throw text;
      return { text, toolCalls: [], usage: { inputTokens: 10, outputTokens: 10 }, steps: 1, stopReason: 'end_turn' };
    },
  };
  return llm;
}

export interface RunOptions {
  alerts?: AlertHistory;
  chat: ChatChannel;
  docs: DocWriter;
  store: Store;
  llm?: LlmClient;
  config?: Record<string, unknown>;
  week?: string;
  nowMs?: number;
  channel?: string;
  firing?: OncallReportDeps['firing'];
}

/** Run the job as the CLI does (runJob: run record, exit code), with a frozen clock. */
export async function runReport(o: RunOptions): Promise<{ job: JobResult; out?: OncallReportResult }> {
  const clock = fixedClock(o.nowMs ?? NOW_MS);
  let out: OncallReportResult | undefined;
  const deps: OncallReportDeps = {
    alerts: o.alerts ?? simulatedAlerts, chat: o.chat, docs: o.docs, store: o.store, llm: o.llm, firing: o.firing,
    config: ReportConfig.parse(o.config ?? {}), oncallChannel: o.channel ?? '#fleet-oncall',
  };
  const job = await runJob({ job: 'oncall-report', logger: silentLogger, clock, deadlineSeconds: 120, store: o.store }, async (ctx) => {
    out = await oncallReportJob(deps, ctx, { nowMs: o.nowMs ?? NOW_MS, week: o.week });
    return { ...out.summary };
  });
  return { job, out };
}
