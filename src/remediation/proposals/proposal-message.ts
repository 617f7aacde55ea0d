import type { PlannedCall } from '../../adapters/cluster-ops/types.js';
import type { ProposalRow } from '../../adapters/store/types.js';
import { context, escapeSlackText, fields, header, section, type SlackBlock } from '../../reporting/slack/index.js';
import type { ApprovalRequirement } from '../approval/approval-policy.js';
import type { ProposalContext } from './proposal-context.js';
import { shortId } from './proposal-id.js';

export interface ProposalView {
  proposal: ProposalRow;
  context: ProposalContext;
  /** The dry-run preview: exact calls the operation would make. */
  calls: readonly PlannedCall[];
  /**
   * How the dry run ended: `succeeded` with what it says the operation did (the images a rollback
   * restores), else the refusal it would meet now.
   */
  dryRun?: { status: 'succeeded' | 'failed' | 'blocked'; message: string };
  level: number;
  requirement: ApprovalRequirement;
}

const MAX_PREVIEW_CALLS = 25;

function targetText(t: Record<string, unknown>): string {
  const ns = typeof t.namespace === 'string' ? `${t.namespace}/` : '';
  return `${String(t.kind)} ${ns}${String(t.name)} in ${String(t.cluster)}`;
}

function howToAnswer(id8: string, requirement: ApprovalRequirement): string {
  switch (requirement.kind) {
    case 'suggest-only':
      return '*Suggestion only* (autonomy level 0): fleetops will not run this; act by hand if you agree.';
    case 'automatic':
      return `*Runs automatically* (autonomy level 3) at the next run unless someone replies \`reject ${id8} <reason>\`.`;
    case 'approvals': {
      const who = requirement.count === 2 ? 'two approvals: on-call first, then a manager (two different people)' : 'one approval from on-call';
      return `*To answer, reply in this thread:* \`approve ${id8}\` or \`reject ${id8} <reason>\`.\nNeeds ${who}. Reactions, edited messages and replies after expiry do not count.`;
    }
  }
}

function previewText(calls: readonly PlannedCall[], dryRun: ProposalView['dryRun']): string {
  const stop = dryRun && dryRun.status !== 'succeeded' ? dryRun.message : undefined;
  const outcome = dryRun?.status === 'succeeded' ? dryRun.message : undefined;
  const stopped = stop === undefined ? '' : `\n:warning: *The dry run stops before any change:* ${escapeSlackText(stop)}\nAn approval now would fail the same way unless that changes.`;
  if (calls.length === 0) return `_The dry run planned no API calls._${stopped}`;
  const lines = calls.slice(0, MAX_PREVIEW_CALLS).map((c) => `${c.method} ${c.path}  # ${c.description}`);
  if (calls.length > MAX_PREVIEW_CALLS) lines.push(`… and ${calls.length - MAX_PREVIEW_CALLS} more calls`);
  const what = stop === undefined ? '*What will happen* (dry-run preview of the exact API calls):' : '*What the dry run did before it stopped* (exact API calls):';
  const result = outcome ? `\n*Dry-run result:* ${escapeSlackText(outcome)}` : '';
  return `${what}\n\`\`\`${escapeSlackText(lines.join('\n'))}\`\`\`${result}${stopped}`;
}

/** The proposal message: what, where, why, the exact calls, and how to answer. Data is escaped. */
export function renderProposalMessage(view: ProposalView): { text: string; blocks: SlackBlock[] } {
  const p = view.proposal;
  const id8 = shortId(p.id);
  const title = `Remediation proposal ${id8}: ${p.operation} on ${p.cluster}`;
  const blocks: SlackBlock[] = [
    header(title),
    fields([
      ['Target', escapeSlackText(targetText(p.target))],
      ['Risk', escapeSlackText(p.risk)],
      ['Autonomy level', String(view.level)],
      ['State', escapeSlackText(p.state)],
      ['Parameters', escapeSlackText(JSON.stringify(p.params))],
      ['Expires', new Date(p.expiresAtMs).toISOString()],
    ]),
  ];
  if (view.context.rationale) blocks.push(section(`*Why:* ${escapeSlackText(view.context.rationale)}`));
  blocks.push(section(previewText(view.calls, view.dryRun)), section(howToAnswer(id8, view.requirement)));
  blocks.push(context(`proposal id \`${p.id}\` · incident ${escapeSlackText(p.groupId)}`));
  return { text: escapeSlackText(title), blocks };
}
