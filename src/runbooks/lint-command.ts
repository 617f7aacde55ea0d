import { loadFailureModel } from '../rca/failure-model/load-failure-model.js';
import { loadSafeOperationCatalog } from '../remediation/catalog/load-safe-operation-catalog.js';
import { formatFinding, lintRunbooks } from './lint.js';

export interface RunbooksLintArgs {
  dir: string;
  now: Date;
  out: (line: string) => void;
  /** Defaults: the failure model and catalog shipped with fleetops. */
  failureModelPath?: string;
  catalogPath?: string;
  staleWarningDays?: number;
  staleErrorDays?: number;
}

/**
 * `fleetops runbooks lint`: prints one line per finding and a summary.
 * Exit code: 0 clean or warnings only, 1 errors found, 2 the model or catalog could not be loaded.
 */
export function runRunbooksLint(args: RunbooksLintArgs): 0 | 1 | 2 {
  let failureModel;
  let catalog;
  try {
    failureModel = loadFailureModel(args.failureModelPath);
    catalog = loadSafeOperationCatalog(args.catalogPath);
  } catch (err) {
    args.out(`runbooks lint: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
  const findings = lintRunbooks(args.dir, { now: args.now, failureModel, catalog, staleWarningDays: args.staleWarningDays, staleErrorDays: args.staleErrorDays });
  findings.forEach((finding) => args.out(formatFinding(finding)));
  const errors = findings.filter((f) => f.severity === 'error').length;
  args.out(`runbooks lint: ${errors} error(s), ${findings.length - errors} warning(s)`);
  return errors > 0 ? 1 : 0;
}
