import type { PartFailure } from '../core/run-job.js';

/** Lines printed at most; the run record and the JSON log keep every failure. */
const MAX_LINES = 20;

/**
 * The run's failures for a terminal, one line per distinct message: parts that failed the same way
 * share a line (a server that is down fails every signal alike), and at most MAX_LINES lines.
 */
export function formatFailures(failures: readonly PartFailure[], runId?: string): string {
  const byMessage = new Map<string, string[]>();
  for (const f of failures) {
    const parts = byMessage.get(f.message);
    if (parts) parts.push(f.part);
    else byMessage.set(f.message, [f.part]);
  }
  const lines = [...byMessage].map(([message, parts]) => {
    const who = parts.length === 1 ? parts[0] : `${parts.length} parts (${parts.slice(0, 3).join(', ')}${parts.length > 3 ? ', …' : ''})`;
    return `  failed: ${who}: ${message}\n`;
  });
  if (lines.length <= MAX_LINES) return lines.join('');
  const rest = lines.length - MAX_LINES;
  return lines.slice(0, MAX_LINES).join('') + `  … and ${rest} more kinds of failure (every one is in the JSON log${runId ? ` and the run record of ${runId}` : ''})\n`;
}
