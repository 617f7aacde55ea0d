import type { LoadedFailureModel } from '../rca/failure-model/failure-model-schema.js';
import type { SafeOperationCatalog } from '../remediation/catalog/safe-operation-schema.js';
import { listRunbookFiles, readRunbookFile, RunbookFormatError, unloadedRunbookEntries } from './load-runbooks.js';
import { parseRunbook } from './parse-runbook.js';
import { lintStructure } from './lint-structure.js';
import { lintReferences, lintStaleness } from './lint-references.js';
import {
  lintConflicts, lintDuplicateIds, lintNearDuplicates, lintUnansweredFailureModes, type LintedRunbook,
} from './lint-across-runbooks.js';
import { sortFindings, type Finding } from './lint-finding.js';

export { formatFinding, type Finding, type Severity } from './lint-finding.js';

export interface LintOptions {
  /** Reference time for review staleness; pass a fixed date in tests. */
  now: Date;
  failureModel: LoadedFailureModel;
  catalog: SafeOperationCatalog;
  /** Days since last_reviewed before a warning (default 180) and an error (default 365). */
  staleWarningDays?: number;
  staleErrorDays?: number;
  /** Mean section cosine similarity above which two runbooks are near-duplicates (default 0.8). */
  duplicateThreshold?: number;
}

/** Lints every runbook in a directory; findings are sorted by file and line. Reads files only. */
export function lintRunbooks(dir: string, options: LintOptions): Finding[] {
  const findings: Finding[] = [];
  const valid: LintedRunbook[] = [];
  for (const file of listRunbookFiles(dir)) {
    let text: string;
    try {
      text = readRunbookFile(file);
    } catch (err) {
      // one unreadable file is a finding: the others are still linted
      if (!(err instanceof RunbookFormatError)) throw err;
      findings.push({ file, line: err.line, severity: 'error', rule: 'unreadable', message: err.problem });
      continue;
    }
    const raw = parseRunbook(text, file);
    const structure = lintStructure(raw);
    findings.push(...structure.findings);
    if (!structure.runbook) continue;
    const runbook = structure.runbook;
    valid.push({ runbook, raw });
    findings.push(
      ...lintReferences(runbook, raw, options),
      ...lintStaleness(runbook, raw, { now: options.now, warningDays: options.staleWarningDays ?? 180, errorDays: options.staleErrorDays ?? 365 }),
    );
  }
  for (const { file, why } of unloadedRunbookEntries(dir)) findings.push({ file, line: 1, severity: 'warning', rule: 'not-loaded', message: why });
  findings.push(
    ...lintDuplicateIds(valid),
    ...lintNearDuplicates(valid, options.duplicateThreshold ?? 0.8),
    ...lintConflicts(valid),
    ...lintUnansweredFailureModes(valid, options.failureModel),
  );
  return sortFindings(findings);
}
