import { compareText } from '../core/compare-text.js';

export type Severity = 'error' | 'warning';

export interface Finding {
  file: string;
  /** 1-based line the finding points at. */
  line: number;
  severity: Severity;
  rule: string;
  message: string;
}

/** `file:line: severity: message [rule]`, the format editors and CI annotations understand. */
export function formatFinding(finding: Finding): string {
  return `${finding.file}:${finding.line}: ${finding.severity}: ${finding.message} [${finding.rule}]`;
}

/** Stable order: by file, then line, then rule. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => compareText(a.file, b.file) || a.line - b.line || compareText(a.rule, b.rule));
}
