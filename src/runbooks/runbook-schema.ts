import { z } from 'zod';
import { DIRECTIONS } from '../rca/failure-model/vocabulary.js';
import { ParameterBounds } from '../remediation/catalog/validate-parameters.js';

/** The sections every runbook has, in this order. */
export const REQUIRED_SECTIONS = ['Symptoms', 'Diagnosis', 'Remediation', 'Verification', 'Escalation'] as const;

export const RUNBOOK_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;

/**
 * Component and signal are plain strings here on purpose: unknown ids are reported by
 * `runbooks lint` with their own rule and line, not as a generic schema error.
 */
export const RunbookSymptom = z.strictObject({
  component: z.string().min(1),
  signal: z.string().min(1),
  direction: z.enum(DIRECTIONS),
});
export type RunbookSymptom = z.infer<typeof RunbookSymptom>;

export const AllowedOperation = z.strictObject({
  op: z.string().min(1),
  parameters: ParameterBounds.default({}),
});
export type AllowedOperation = z.infer<typeof AllowedOperation>;

export const RunbookFrontMatter = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a kebab-case id such as coredns-latency-timeouts'),
  title: z.string().min(1),
  owner: z.string().min(1),
  last_reviewed: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2025-01-31'),
  components: z.array(z.string().min(1)).min(1),
  alerts: z.array(z.string().min(1)).min(1),
  symptoms: z.array(RunbookSymptom).min(1),
  failure_modes: z.array(z.string().min(1)).min(1),
  allowed_operations: z.array(AllowedOperation),
  severity: z.enum(RUNBOOK_SEVERITIES),
});
export type RunbookFrontMatter = z.infer<typeof RunbookFrontMatter>;

export interface RunbookSection {
  /** Heading text without the `## `. */
  name: string;
  /** 1-based line of the heading. */
  line: number;
  /** Body lines after the heading, up to the next `## ` heading. */
  lines: string[];
}

export interface Runbook {
  id: string;
  /** Path as given to the loader, for findings and citations. */
  file: string;
  meta: RunbookFrontMatter;
  sections: RunbookSection[];
}

export function sectionText(section: RunbookSection): string {
  return section.lines.join('\n');
}
