import { ALL_SIGNAL_IDS, ENTITY_IDS } from '../rca/failure-model/vocabulary.js';
import { listFailureModes, type FailureModel } from '../rca/failure-model/failure-model-schema.js';
import { findOperation, type SafeOperationCatalog } from '../remediation/catalog/safe-operation-schema.js';
import { validateParameterBounds } from '../remediation/catalog/validate-parameters.js';
import type { RawRunbook } from './parse-runbook.js';
import { sectionText, type Runbook } from './runbook-schema.js';
import type { Finding } from './lint-finding.js';

export interface ReferenceContext {
  failureModel: FailureModel;
  catalog: SafeOperationCatalog;
}

const ENTITIES = new Set<string>(ENTITY_IDS);
const SIGNALS = new Set<string>(ALL_SIGNAL_IDS);

/** Checks every id a runbook cites against the vocabulary, the failure model and the catalog. */
export function lintReferences(runbook: Runbook, raw: RawRunbook, context: ReferenceContext): Finding[] {
  const findings: Finding[] = [];
  const report = (path: (string | number)[], rule: string, message: string, severity: Finding['severity'] = 'error'): void => {
    findings.push({ file: runbook.file, line: raw.lineOf(path), severity, rule, message });
  };
  const { meta } = runbook;
  meta.components.forEach((c, i) => {
    if (!ENTITIES.has(c)) report(['components', i], 'unknown-component', `unknown component ${c}`);
  });
  meta.symptoms.forEach((s, i) => {
    if (!ENTITIES.has(s.component)) report(['symptoms', i, 'component'], 'unknown-component', `unknown component ${s.component}`);
    if (!SIGNALS.has(s.signal)) report(['symptoms', i, 'signal'], 'unknown-signal', `unknown signal ${s.signal}`);
  });
  const modes = new Set(listFailureModes(context.failureModel).map((m) => m.id));
  meta.failure_modes.forEach((id, i) => {
    if (!modes.has(id)) report(['failure_modes', i], 'unknown-failure-mode', `unknown failure mode ${id} (not in the failure model)`);
  });
  const remediation = sectionText(runbook.sections.find((s) => s.name === 'Remediation') ?? { name: '', line: 0, lines: [] });
  meta.allowed_operations.forEach((allowed, i) => {
    const op = findOperation(context.catalog, allowed.op);
    if (!op) return report(['allowed_operations', i, 'op'], 'unknown-operation', `unknown operation ${allowed.op} (not in the safe-operation catalog)`);
    for (const error of validateParameterBounds(op, allowed.parameters)) report(['allowed_operations', i, 'parameters'], 'operation-bounds', error);
    if (!remediation.includes(allowed.op)) {
      report(['allowed_operations', i, 'op'], 'operation-not-described', `allowed operation ${allowed.op} is not described in ## Remediation`, 'warning');
    }
  });
  return findings;
}

export interface StalenessOptions {
  now: Date;
  warningDays: number;
  errorDays: number;
}

/** Reviews age: past warningDays is a warning, past errorDays an error. */
export function lintStaleness(runbook: Runbook, raw: RawRunbook, options: StalenessOptions): Finding[] {
  const reviewed = runbook.meta.last_reviewed;
  const reviewedMs = Date.parse(`${reviewed}T00:00:00Z`);
  const line = raw.lineOf(['last_reviewed']);
  const invalid = (problem: string): Finding[] => [{ file: runbook.file, line, severity: 'error', rule: 'invalid-field', message: `last_reviewed ${reviewed} ${problem}` }];
  // Date.parse rolls 2026-02-30 over to March; the round trip catches it
  if (Number.isNaN(reviewedMs) || new Date(reviewedMs).toISOString().slice(0, 10) !== reviewed) return invalid('is not a date');
  const ageDays = Math.floor((options.now.getTime() - reviewedMs) / 86_400_000);
  // a future date (a typo for this year) would never go stale; a day ahead is a time zone east of UTC
  if (ageDays < -1) return invalid('is in the future');
  if (ageDays <= options.warningDays) return [];
  const severity = ageDays > options.errorDays ? 'error' : 'warning';
  const limit = severity === 'error' ? options.errorDays : options.warningDays;
  return [{ file: runbook.file, line, severity, rule: 'stale-review', message: `last reviewed ${ageDays} days ago (limit ${limit}): review it and update last_reviewed` }];
}
