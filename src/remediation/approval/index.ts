export { parseApprovalThread, parseCommand } from './parse-approval-thread.js';
export type { ApprovalThreadContext, ParsedThread, RefusalReason, RefusedReply, ThreadDecision } from './parse-approval-thread.js';
export { approvalRequirement, evaluateApprovals } from './approval-policy.js';
export type { ApprovalRequirement, ApproverSets, PolicyInput, PolicyResult } from './approval-policy.js';
export { loadApproverSets, resolveCommandAuthors, withDirectoryCache } from './approver-directory.js';
