import { fmt } from '../evidence/evidence-row.js';
import { ids, type ChangeFact, type Facts } from './evidence-facts.js';
import type { Claim, Hypothesis } from './hypothesis.js';

/**
 * Changes near the onset that the top hypothesis does not rest on, each checked and rejected with a
 * reason: it landed after the onset, touched a component the incident does not involve, or moved nothing.
 */
export function rejectedChanges(f: Facts, top: Hypothesis | undefined, involved: Set<string>): Claim[] {
  const used = new Set(top?.supporting.flatMap((c) => c.evidenceIds) ?? []);
  const near = f.changes.filter((c) => !used.has(c.row.id) && c.change.kind !== 'maintenance' && c.minutesBeforeOnset <= 120 && c.minutesBeforeOnset >= -120)
    .sort((a, b) => Math.abs(a.minutesBeforeOnset) - Math.abs(b.minutesBeforeOnset)).slice(0, 5);
  return near.map((c) => ({ text: reason(c, f, involved), evidenceIds: ids(c, ...errorsOf(f, c).slice(0, 1)) }));
}

function errorsOf(f: Facts, c: ChangeFact) {
  return f.logs.filter((l) => l.cluster === c.change.cluster && l.component === c.change.component && l.level === 'error');
}

function reason(c: ChangeFact, f: Facts, involved: Set<string>): string {
  const what = `${c.change.kind} of ${c.change.component}${c.change.toVersion ? ` ${c.change.toVersion}` : ''} on ${c.change.cluster}`;
  if (c.minutesBeforeOnset < 0) return `${what} is not the cause: it landed ${fmt(-c.minutesBeforeOnset)} min after the onset`;
  // with logs not configured, no error lines says nothing about the component
  const quiet = !f.unread.has('logs') && errorsOf(f, c).length === 0 ? ' and logged no errors afterwards' : '';
  if (!involved.has(c.change.component)) return `${what} (${fmt(c.minutesBeforeOnset)} min before onset) is not the cause: ${c.change.component} is neither an affected component nor one they depend on${quiet}`;
  return `${what} (${fmt(c.minutesBeforeOnset)} min before onset) was checked and is not needed to explain the incident: the top cause is supported without it${quiet}`;
}

/** Candidates that the evidence argues against, as "checked and rejected" lines. */
export function rejectedHypotheses(hs: Hypothesis[]): Claim[] {
  return hs.filter((h) => h.score <= 0 && h.contradicting.length > 0).slice(0, 3).map((h) => ({
    text: `${h.failureMode}${h.entity.version ? ` (${h.entity.component} ${h.entity.version})` : ''} rejected: ${h.contradicting[0].text}`,
    evidenceIds: h.contradicting.flatMap((c) => c.evidenceIds).slice(0, 5),
  }));
}
