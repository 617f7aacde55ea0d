import type { RetentionCutoffs } from '../adapters/store/types.js';
import { ConfigError } from '../core/errors.js';
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

/** The retention fields of the rows a rerun of a past day or week reads and edits. */
export type RetainedDaysField = 'anomaliesDays' | 'incidentsDays' | 'evidenceDays' | 'rcasDays' | 'proposalsDays' | 'publicationsDays';

/**
 * Refuses (ConfigError) a rerun of a period that starts before the store may have deleted its rows of
 * `fields`: the rerun would rewrite the document and Slack messages without them, and post again each
 * message whose publication record is gone (Slack is searched back only a few days). Rows of a period
 * starting at or after now − the shortest of `fields` are all kept: each of them ends, was written
 * or was last changed after that start. `nowMs`: the data's now (the clock, or the simulated fleet's end).
 */
export function refuseRerunPastRetention(what: string, startMs: number, config: RetentionConfig, fields: readonly RetainedDaysField[], nowMs: number): void {
  const field = fields.reduce((a, b) => (config[b] < config[a] ? b : a));
  const sinceMs = nowMs - config[field] * DAY_MS;
  if (startMs >= sinceMs) return;
  const since = new Date(sinceMs).toISOString();
  throw new ConfigError(
    `${what} starts at ${new Date(startMs).toISOString()}, before ${since}: retention.${field} is ${config[field]} days, so the store may have deleted rows it reads`
    + ` (a rerun would rewrite what was published without them and post its Slack messages again). Pick one starting at or after ${since}`,
  );
}
