import { basename } from 'node:path';
import { describeIssues } from '../core/config/format-issues.js';
import type { RawRunbook } from './parse-runbook.js';
import { REQUIRED_SECTIONS, RunbookFrontMatter, type Runbook } from './runbook-schema.js';
import type { Finding } from './lint-finding.js';

function getPath(value: unknown, path: PropertyKey[]): unknown {
  return path.reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined), value);
}

function frontMatterFindings(raw: RawRunbook): { findings: Finding[]; runbook?: Runbook } {
  const at = (line: number, rule: string, message: string): Finding => ({ file: raw.file, line, severity: 'error', rule, message });
  if (raw.frontMatterError) return { findings: [at(raw.frontMatterError.line, 'front-matter', raw.frontMatterError.message)] };
  const result = RunbookFrontMatter.safeParse(raw.frontMatter ?? {});
  if (!result.success) {
    return {
      findings: describeIssues(result.error.issues, RunbookFrontMatter, raw.frontMatter ?? {}, { ownMessages: 'sentence' }).map(({ path, field, message }) => {
        // an absent enum field (severity) is an invalid_value issue, not invalid_type
        const missing = getPath(raw.frontMatter, path) === undefined;
        return missing
          ? at(raw.lineOf(path as (string | number)[]), 'missing-field', `front matter has no ${field}`)
          : at(raw.lineOf(path as (string | number)[]), 'invalid-field', `${field}: ${message}`);
      }),
    };
  }
  const findings = result.data.id === basename(raw.file, '.md') ? []
    : [at(raw.lineOf(['id']), 'id-mismatch', `id ${result.data.id} does not match the file name ${basename(raw.file)}`)];
  return { findings, runbook: { id: result.data.id, file: raw.file, meta: result.data, sections: raw.sections } };
}

/** Last line of the file with text: a file ending in a newline has no line after it to point at. */
function lastTextLine(raw: RawRunbook): number {
  const last = raw.sections.at(-1);
  if (!last) return 1;
  const index = last.lines.findLastIndex((text) => text.trim() !== '');
  return last.line + 1 + index;
}

/** Missing fixed sections point at the heading they should precede, or the end of the file. */
function sectionFindings(raw: RawRunbook): Finding[] {
  const names = raw.sections.map((s) => s.name);
  const missing = REQUIRED_SECTIONS.flatMap((name, i) => {
    if (names.includes(name)) return [];
    const next = REQUIRED_SECTIONS.slice(i + 1).map((n) => raw.sections.find((s) => s.name === n)).find(Boolean);
    return [{ file: raw.file, line: next?.line ?? lastTextLine(raw), severity: 'error' as const, rule: 'missing-section', message: `missing section "## ${name}"` }];
  });
  // a second heading of the same name: lint, retrieval and the RCA's "section X" read only one of them
  const repeated = raw.sections.flatMap((section, i) => {
    const first = raw.sections.findIndex((s) => s.name === section.name);
    if (first === i) return [];
    return [{ file: raw.file, line: section.line, severity: 'error' as const, rule: 'duplicate-section', message: `section "## ${section.name}" appears twice (first at line ${raw.sections[first].line}): merge them` }];
  });
  return [...missing, ...repeated, ...orderFindings(raw)];
}

const FIXED_ORDER = REQUIRED_SECTIONS.join(', ');

/**
 * The fixed sections in their documented order, and no other `##` section (README: "exactly these, in this
 * order"; `###` inside them is free). Warnings: the RCA still reads every section by name.
 */
function orderFindings(raw: RawRunbook): Finding[] {
  const out: Finding[] = [];
  let latest: { index: number; name: string } | undefined;
  raw.sections.forEach((section, i) => {
    if (raw.sections.findIndex((s) => s.name === section.name) !== i) return;
    const index = (REQUIRED_SECTIONS as readonly string[]).indexOf(section.name);
    if (index < 0) {
      out.push({ file: raw.file, line: section.line, severity: 'warning', rule: 'extra-section', message: `section "## ${section.name}" is not one of the fixed sections (${FIXED_ORDER}): make it a ### heading inside one of them` });
    } else if (latest && index < latest.index) {
      out.push({ file: raw.file, line: section.line, severity: 'warning', rule: 'section-order', message: `section "## ${section.name}" comes after "## ${latest.name}": the fixed order is ${FIXED_ORDER}` });
    } else {
      latest = { index, name: section.name };
    }
  });
  return out;
}

function evidenceFindings(raw: RawRunbook): Finding[] {
  const diagnosis = raw.sections.find((s) => s.name === 'Diagnosis');
  if (!diagnosis || diagnosis.lines.some((line) => /^\s*(```|~~~)/.test(line) || /\bkubectl\b/.test(line))) return [];
  return [{
    file: raw.file, line: diagnosis.line, severity: 'warning', rule: 'diagnosis-without-evidence',
    message: 'Diagnosis has no query or kubectl read: give each step the evidence it needs',
  }];
}

/** Structural rules on one parsed runbook; returns the validated runbook when the front matter is sound. */
export function lintStructure(raw: RawRunbook): { findings: Finding[]; runbook?: Runbook } {
  const { findings, runbook } = frontMatterFindings(raw);
  return { findings: [...findings, ...sectionFindings(raw), ...evidenceFindings(raw)], runbook };
}
