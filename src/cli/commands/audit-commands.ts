import { buildAdapters } from '../../adapters/index.js';
import type { Store } from '../../adapters/store/types.js';
import { ConfigError } from '../../core/errors.js';
import { exportAuditLines, verifyAuditLog } from '../../remediation/audit/audit-log-tools.js';
import { createAppContext } from '../app-context.js';
import type { CliIo, Command } from '../command.js';
import type { ParsedArgs } from '../parse-args.js';

async function withStore<T>(args: ParsedArgs, io: CliIo, fn: (store: Store) => Promise<T>): Promise<T> {
  const app = createAppContext(args, { env: io.env, clock: io.clock, logger: io.logger });
  const adapters = buildAdapters({ config: app.config, outDir: app.outDir, env: app.env, clock: app.clock, logger: app.logger });
  try {
    return await fn(await adapters.store());
  } finally {
    await adapters.close();
  }
}

export const auditVerify: Command = {
  name: 'audit verify',
  summary: 'Recompute the audit hash chain from the first entry; exit 1 when it is broken',
  async run(args, io) {
    const result = await withStore(args, io, verifyAuditLog);
    if (result.ok) {
      io.stdout(`audit chain ok: ${result.entries} entries${result.head ? `, head seq ${result.head.seq} sha256 ${result.head.hash}` : ''}\n`);
      return 0;
    }
    io.stderr(`audit chain BROKEN at seq ${result.brokenAtSeq} (${result.entries} entries read): the log was altered or truncated\n`);
    return 1;
  },
};

/** `--since` as epoch ms; a clear usage error otherwise. */
export function parseSince(value: unknown): number {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms) || !/^\d{4}-\d{2}-\d{2}/.test(String(value))) {
    throw new ConfigError(`--since: expected an ISO 8601 time such as 2026-11-30T00:00:00Z, found ${JSON.stringify(value ?? null)}`);
  }
  return ms;
}

export const auditExport: Command = {
  name: 'audit export',
  summary: 'Print audit entries since a time as JSON lines (chain order; the segment verifies on its own)',
  usage: '  --since ISO     first entry time to export (required), e.g. 2026-11-30T00:00:00Z',
  options: { since: { type: 'string' } },
  async run(args, io) {
    const sinceMs = parseSince(args.values.since);
    const lines = await withStore(args, io, (store) => exportAuditLines(store, sinceMs));
    if (lines.length > 0) io.stdout(`${lines.join('\n')}\n`);
    return 0;
  },
};
