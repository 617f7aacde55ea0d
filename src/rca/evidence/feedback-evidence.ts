import type { IncidentGroup } from '../../correlate/incident-group.js';
import type { EvidenceDraft } from './evidence-row.js';
import { compareText } from '../../core/compare-text.js';

/**
 * People's past votes as citable evidence: one row per failure mode that feedback on earlier RCAs
 * of incidents with this signature confirmed (net > 0) or rejected (net < 0). `priors` is keyed
 * `<signature>::<failureMode>` (see loadFeedbackPriors); other signatures are ignored.
 */
export function feedbackEvidence(group: IncidentGroup, signature: string, priors: ReadonlyMap<string, number> | undefined): EvidenceDraft[] {
  const prefix = `${signature}::`;
  return [...(priors ?? [])].filter(([key, net]) => key.startsWith(prefix) && net !== 0).sort(([a], [b]) => compareText(a, b)).map(([key, net]) => {
    const failureMode = key.slice(prefix.length);
    return {
      source: 'history' as const, query: `feedback on past RCAs of incidents with signature ${signature}`, startMs: group.startMs, endMs: group.endMs,
      excerpt: `net feedback on past RCAs of incidents with signature ${signature} that blamed ${failureMode}: ${net > 0 ? '+' : ''}${net} (${net > 0 ? 'confirmed' : 'rejected'})`,
      data: { fact: 'feedback-prior', signature, failureMode, net },
    };
  });
}
