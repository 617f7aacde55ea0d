import type { Clock } from '../../../core/clock.js';
import type { Store } from '../types.js';
import { createAnomalyRepo } from './anomalies.js';
import { createAuditRepo } from './audit.js';
import { createEvidenceRepo } from './evidence.js';
import { createIncidentRepo } from './incidents.js';
import { createProposalRepo } from './proposals.js';
import { createRetentionRepo } from './retention.js';
import { createRunRepo } from './runs.js';
import {
  createApprovalRepo, createBaselineRepo, createFeedbackRepo, createPublicationRepo, createRcaRepo,
} from './small-repos.js';
import type { SqlDb } from './sql-db.js';

export type StoreRepos = Omit<Store, 'kind' | 'migrate' | 'close'>;

/** The repositories both dialects share; the SQL differences live in the drivers and migrations. */
export function createRepos(db: SqlDb, clock: Clock): StoreRepos {
  return {
    runs: createRunRepo(db),
    anomalies: createAnomalyRepo(db),
    incidents: createIncidentRepo(db),
    evidence: createEvidenceRepo(db),
    rcas: createRcaRepo(db),
    proposals: createProposalRepo(db, clock),
    approvals: createApprovalRepo(db),
    audit: createAuditRepo(db),
    feedback: createFeedbackRepo(db),
    publications: createPublicationRepo(db),
    baselines: createBaselineRepo(db),
    retention: createRetentionRepo(db),
  };
}
