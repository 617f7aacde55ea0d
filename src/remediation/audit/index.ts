export { auditOnce } from './audit-once.js';
export { exportAuditLines, postDailyAuditHead, verifyAuditLog } from './audit-log-tools.js';
export type { AuditHeadDeps, AuditVerification } from './audit-log-tools.js';
