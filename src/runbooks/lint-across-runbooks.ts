import { listFailureModes, type LoadedFailureModel } from '../rca/failure-model/failure-model-schema.js';
import type { RawRunbook } from './parse-runbook.js';
import type { Runbook, RunbookSymptom } from './runbook-schema.js';
import { sectionSimilarity } from './section-similarity.js';
import type { Finding } from './lint-finding.js';

/** A validated runbook with the parse that knows its lines. */
export interface LintedRunbook {
  runbook: Runbook;
  raw: RawRunbook;
}

export function lintDuplicateIds(items: LintedRunbook[]): Finding[] {
  return items.flatMap(({ runbook, raw }, i) => {
    const first = items.findIndex((other) => other.runbook.id === runbook.id);
    return first === i ? [] : [{ file: runbook.file, line: raw.lineOf(['id']), severity: 'error' as const, rule: 'duplicate-id', message: `id ${runbook.id} is already used by ${items[first].runbook.file}` }];
  });
}

export function lintNearDuplicates(items: LintedRunbook[], threshold: number): Finding[] {
  const similarity = sectionSimilarity(items.map((item) => item.runbook));
  const findings: Finding[] = [];
  items.forEach(({ runbook }, j) => {
    for (let i = 0; i < j; i += 1) {
      if (similarity[i][j] <= threshold) continue;
      const line = runbook.sections[0]?.line ?? 1;
      findings.push({ file: runbook.file, line, severity: 'warning', rule: 'near-duplicate', message: `near-duplicate of ${items[i].runbook.file} (section similarity ${similarity[i][j].toFixed(2)} > ${threshold}): merge them or make each specific` });
    }
  });
  return findings;
}

const symptomKey = (s: RunbookSymptom): string => `${s.component}/${s.signal}/${s.direction}`;

/** Directions a runbook allows for each operation that has a `direction` parameter. */
function directions(runbook: Runbook): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const allowed of runbook.meta.allowed_operations) {
    const bound = allowed.parameters.direction;
    if (typeof bound === 'string' || Array.isArray(bound)) result.set(allowed.op, Array.isArray(bound) ? bound : [bound]);
  }
  return result;
}

function conflictBetween(a: Runbook, b: Runbook): string | null {
  const aOps = new Set(a.meta.allowed_operations.map((o) => o.op));
  const bOps = b.meta.allowed_operations.map((o) => o.op);
  if (aOps.size > 0 && bOps.length > 0 && !bOps.some((op) => aOps.has(op))) {
    return `allows ${bOps.join(', ')} but ${a.file} allows only ${[...aOps].join(', ')}`;
  }
  const aDirections = directions(a);
  for (const [op, dirs] of directions(b)) {
    const other = aDirections.get(op);
    if (other && !dirs.some((d) => other.includes(d))) return `allows ${op} ${dirs.join('/')} but ${a.file} allows ${op} ${other.join('/')}`;
  }
  return null;
}

/** Two runbooks that answer the same symptom and failure mode must not prescribe opposite things. */
export function lintConflicts(items: LintedRunbook[]): Finding[] {
  const findings: Finding[] = [];
  items.forEach(({ runbook: b, raw }, j) => {
    for (const { runbook: a } of items.slice(0, j)) {
      const sharedModes = b.meta.failure_modes.filter((m) => a.meta.failure_modes.includes(m));
      const aSymptoms = new Set(a.meta.symptoms.map(symptomKey));
      const sharedSymptoms = b.meta.symptoms.map(symptomKey).filter((k) => aSymptoms.has(k));
      const conflict = sharedModes.length > 0 && sharedSymptoms.length > 0 ? conflictBetween(a, b) : null;
      if (!conflict) continue;
      findings.push({ file: b.file, line: raw.lineOf(['allowed_operations']), severity: 'error', rule: 'conflicting-remediation', message: `for ${sharedSymptoms[0]} and ${sharedModes[0]}, this runbook ${conflict}` });
    }
  });
  return findings;
}

export function lintUnansweredFailureModes(items: LintedRunbook[], model: LoadedFailureModel): Finding[] {
  const answered = new Set(items.flatMap((item) => item.runbook.meta.failure_modes));
  return listFailureModes(model).filter((mode) => !answered.has(mode.id)).map((mode) => ({
    file: model.source?.path ?? 'failure-model.yaml',
    line: model.source?.lines[mode.id] ?? 1,
    severity: 'warning' as const,
    rule: 'unanswered-failure-mode',
    message: `no runbook answers failure mode ${mode.id}`,
  }));
}
