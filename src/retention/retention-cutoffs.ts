import type { RetentionCutoffs } from '../adapters/store/types.js';
import type { RetentionConfig } from './retention-config.js';

const DAY_MS = 86_400_000;

/** What the cutoffs depend on besides the retention section. */
export interface RetentionLookbacks {
  /** scan.lookbackHours: a cluster gone from the inventory this long has its detector state deleted. */
  scanLookbackHours: number;
  /** remediation.feedbackLookbackDays: feedback read records are needed this long after their subject was posted. */
  feedbackLookbackDays: number;
}

/** Per kind, the time before which rows may go (whole epoch milliseconds). */
export function retentionCutoffs(config: RetentionConfig, lookbacks: RetentionLookbacks, nowMs: number): RetentionCutoffs {
  const before = (days: number) => nowMs - days * DAY_MS;
  return {
    runs: before(config.runsDays),
    anomalies: before(config.anomaliesDays),
    incidents: before(config.incidentsDays),
    evidence: before(config.evidenceDays),
    rcas: before(config.rcasDays),
    proposals: before(config.proposalsDays),
    publications: before(config.publicationsDays),
    proposalReads: before(config.readRecordsDays),
    feedbackReads: before(lookbacks.feedbackLookbackDays + config.readRecordsDays),
    detectorStates: nowMs - lookbacks.scanLookbackHours * 3_600_000,
  };
}
