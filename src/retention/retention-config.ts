import { z } from 'zod';

const MAX_DAYS = 36_500;

/** Days to keep, at least `min` (what the jobs read back, named in the message). */
function days(min: number, why: string) {
  return z.number().int().min(min, `at least ${min} day${min === 1 ? '' : 's'}: ${why}`).max(MAX_DAYS, `at most ${MAX_DAYS} days`);
}

const READ_BACK = 'the jobs read this far back (remediation.feedbackLookbackDays up to 90 days, the digest\'s feedback knowledge 90 days)';
const SCAN_BACK = 'the scan reads findings back over scan.lookbackHours (up to 35 days)';
const PRIORS_BACK = 'the digest\'s feedback priors read the RCAs of votes of the last 90 days, and a vote is recorded up to remediation.feedbackLookbackDays (up to 90 days) after its RCA';

/**
 * `retention:` section of the config: how long the store keeps each kind of row (`fleetops retention`,
 * daily). Open proposals and everything they reference, runs still running and the audit log are
 * never deleted; detector states of clusters gone from the inventory go after scan.lookbackHours.
 */
export const RetentionConfig = z.strictObject({
  /** Finished job runs (run records with their summaries), by start. */
  runsDays: days(1, 'a run record is kept at least a day').default(30),
  /** Anomalies, dips and silences, by end: 400 days allow a year-over-year comparison. */
  anomaliesDays: days(35, SCAN_BACK).default(400),
  /** Incident groups, by end. */
  incidentsDays: days(90, READ_BACK).default(400),
  /** Evidence rows, by creation. */
  evidenceDays: days(35, SCAN_BACK).default(400),
  /** RCA records, by creation. */
  rcasDays: days(180, PRIORS_BACK).default(400),
  /** Closed proposals, from their last change (closing), with their approvals, context, post record and audit dedupe keys. */
  proposalsDays: days(90, READ_BACK).default(400),
  /** Publication records of the digest, the on-call report, the daily audit head and fleet-wide alerts, from their last update. */
  publicationsDays: days(90, READ_BACK).default(400),
  /** Read records: a closed proposal's thread reads, and feedback reads this long after the feedback lookback. */
  readRecordsDays: days(1, 'a read record is kept at least a day after its subject closed').default(7),
  /** Rows per DELETE statement (its own transaction). */
  batchSize: z.number().int().min(100).max(50_000).default(5000),
});
export type RetentionConfig = z.infer<typeof RetentionConfig>;
