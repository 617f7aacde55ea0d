import { tokenize } from './tokenize.js';
import { sectionText, type Runbook, type RunbookSection } from './runbook-schema.js';

/** One retrievable unit: a runbook section, carrying its runbook's title and metadata fields. */
export interface RunbookChunk {
  runbookId: string;
  section: RunbookSection;
  fields: { title: string[]; meta: string[]; heading: string[]; body: string[] };
}

export interface SymptomLike {
  component?: string;
  signal?: string;
  direction?: string;
}

/**
 * Exact-match keywords for structured look-ups. They cannot collide with text tokens (which
 * have no `:`), so a symptom or failure-mode query matches front matter, not prose by chance.
 */
export function symptomKeywords(symptom: SymptomLike): string[] {
  const { component, signal, direction } = symptom;
  const keywords = component ? [`comp:${component}`] : [];
  if (signal && direction) keywords.push(`sig:${signal}/${direction}`);
  if (component && signal && direction) keywords.push(`sym:${component}/${signal}/${direction}`);
  return keywords;
}

export function failureModeKeyword(id: string): string {
  return `fm:${id}`;
}

function metaTokens(runbook: Runbook): string[] {
  const { meta } = runbook;
  return [
    ...meta.symptoms.flatMap((s) => [...symptomKeywords(s), ...tokenize(`${s.component} ${s.signal}`)]),
    ...meta.failure_modes.flatMap((id) => [failureModeKeyword(id), ...tokenize(id)]),
    ...meta.components.map((c) => `comp:${c}`),
    ...meta.alerts.flatMap((alert) => tokenize(alert)),
  ];
}

/** Splits a runbook into one chunk per section. */
export function chunkRunbook(runbook: Runbook): RunbookChunk[] {
  const title = tokenize(runbook.meta.title);
  const meta = metaTokens(runbook);
  return runbook.sections.map((section) => ({
    runbookId: runbook.id,
    section,
    fields: { title, meta, heading: tokenize(section.name), body: tokenize(sectionText(section)) },
  }));
}
