import type { DigestGroupView, DigestModel } from '../../digest/digest-model.js';
import { context, escapeSlackText as esc, fields, fitMessage, header, link, section, type FittedMessage, type SlackBlock } from '../slack/index.js';
import { clip, notCheckedText, oneLine, pct, utcTime, verdictLabel } from './digest-format.js';
import { toDocLinks, type DigestDocLinks } from './digest-doc-links.js';

const PARENT_GROUPS_LISTED = 15;
const EVIDENCE_IN_REPLY = 5;
const REPLY_EXCERPT_CHARS = 300;

/**
 * The parent message: the day's numbers, worst SLO and budget, the groups, and the document link.
 * `repliedGroups`: how many groups get a thread reply (digest.maxThreadReplies; default all).
 * `doc`: a URL alone means a document with every group in full.
 */
export function renderDigestParent(m: DigestModel, doc: string | DigestDocLinks, repliedGroups = m.groups.length): FittedMessage {
  const links = toDocLinks(doc);
  const docUrl = links.url;
  const t = m.totals;
  const worst = [...m.slo].filter((r) => r.worstAvailability !== undefined).sort((a, b) => sloGap(b) - sloGap(a))[0];
  const burned = m.slo[0];
  const blocks: SlackBlock[] = [
    header(`Availability digest — ${m.day}`),
    section(`*${t.dips}* SLO dips and *${t.missingData}* silent clusters (${t.findings} findings) → *${t.groups}* incident groups over *${t.clustersAffected}* clusters: ${t.rootCauses} with a root cause, ${t.inconclusive} inconclusive, ${t.proposals} remediation proposals${t.awaitingApproval < t.proposals ? ` (${t.awaitingApproval} awaiting approval)` : ''}.${notAnalysedSentence(m)}`, { docUrl }),
    fields([
      ['Worst SLO', worst ? esc(`${worst.component} ${worst.signal} ${pct(worst.worstAvailability)} vs SLO ${pct(worst.slo)} (${worst.worstCluster ?? '?'})`) : 'no dips'],
      ['Most error budget burned', burned ? esc(`${pct(burned.maxBudgetBurnedFraction, 1)} of 30 days (${burned.maxBudgetCluster ?? '?'}, ${burned.component} ${burned.signal})`) : 'none'],
      ['Window', esc(`${utcTime(m.window.startMs)} → ${utcTime(m.window.endMs)}`)],
      fullRcasField(links),
    ], { docUrl }),
    ...groupList(m, links, repliedGroups),
    context(`${repliedGroups >= t.groups ? 'One thread reply per group below' : `Thread replies for the first ${repliedGroups} of ${t.groups} groups below; ${links.holds === 'shortened' ? 'every group is in the document, in full, in brief or counted' : 'every group is in the document'}`} · run \`${esc(m.runId)}\``),
  ];
  return fitMessage(blocks, { docUrl, text: esc(`Availability digest ${m.day}: ${t.groups} incident groups, ${t.dips} dips`) });
}

/** The groups past `digest.maxAnalysedGroups`, as a sentence after the day's numbers ('' when none). */
function notAnalysedSentence(m: DigestModel): string {
  const n = m.totals.notAnalysed;
  return n ? ` *${n}* of them were not analysed (no evidence, RCA or proposal): \`digest.maxAnalysedGroups\` is ${m.maxAnalysedGroups ?? m.groups.length}; the document lists them.` : '';
}

/** How far the worst dip fell below its SLO, as a share of the budget (bigger is worse). */
function sloGap(r: { worstAvailability?: number; slo?: number }): number {
  return r.slo !== undefined && r.worstAvailability !== undefined ? (r.slo - r.worstAvailability) / Math.max(1e-9, 1 - r.slo) : 0;
}

/** Where the full RCAs are: the document, or (shortened) the document for the first groups and the store for all. */
function fullRcasField(links: DigestDocLinks): [string, string] {
  if (!links.url) return ['Full RCAs', 'document not available'];
  const l = links.layout;
  if (links.holds === 'unknown') return ['Full RCAs', `${link(links.url, 'the document')} (an earlier run's); all in the fleetops store by group id`];
  if (links.holds === 'every-group' || !l) return ['Full RCAs', link(links.url, 'open the document')];
  return ['Full RCAs', `${link(links.url, 'the document')}: ${l.detailed} of ${l.detailed + l.brief + l.counted} groups (shortened); all in the fleetops store by group id`];
}

function groupList(m: DigestModel, links: DigestDocLinks, repliedGroups: number): SlackBlock[] {
  const docUrl = links.url;
  if (m.groups.length === 0) return [section('No incident groups: nothing dipped below its SLO.')];
  const shown = m.groups.slice(0, PARENT_GROUPS_LISTED).map((g) => `• ${link(links.group(g.id), clip(oneLine(g.title), 120))} — ${esc(causeLine(g))}`);
  const more = m.groups.length - shown.length;
  const inThread = Math.max(0, Math.min(repliedGroups, m.groups.length) - shown.length);
  if (more > 0) shown.push(`_… and ${more} more groups in ${inThread >= more ? 'the thread and the document' : inThread > 0 ? `the document (${inThread} of them also in the thread)` : 'the document'}_`);
  return [section(shown.join('\n'), { docUrl })];
}

function causeLine(g: DigestGroupView): string {
  const cause = g.verdict === 'root-cause' && g.top ? `${g.top.failureMode} (${g.top.entity})` : 'inconclusive — needs a human';
  return `${g.clusters.length} clusters, ${g.severity}: ${clip(oneLine(cause), 200)}`;
}

/**
 * One thread reply per group: the RCA, top evidence with links, runbook and proposal; linked to where
 * the group is in the document (`doc`: a URL alone means a document with every group in full).
 */
export function renderGroupReply(g: DigestGroupView, doc: string | DigestDocLinks): FittedMessage {
  const links = toDocLinks(doc);
  const url = links.group(g.id);
  const inFull = links.place(g.id) === 'full';
  // cut text points at the document only where it holds the group in full; else the footer says where the RCA is
  const cutTo = inFull ? url : '';
  const n = g.narrative;
  const blocks: SlackBlock[] = [
    header(`${g.severity === 'critical' ? '🔴' : '🟠'} ${oneLine(g.title)}`),
    section(esc(n.summary), { docUrl: cutTo }),
    fields([
      ['Verdict', esc(verdictLabel(g.verdict))],
      ['Top cause', esc(g.top ? `${g.top.failureMode} — ${g.top.entity} (score ${g.top.score.toFixed(2)})` : 'none')],
      ['Clusters', esc(`${g.clusters.length}: ${clip(g.clusters.join(', '), 300)}`)],
      ['Window', esc(`${utcTime(g.startMs)} → ${utcTime(g.endMs)}`)],
    ], { docUrl: cutTo }),
    section(`*Root cause:* ${esc(n.rootCause.statement)} ${ids(n.rootCause.evidenceIds)}`, { docUrl: cutTo }),
    ...evidenceSection(g, url, inFull),
    ...notCheckedSection(g),
    ...(n.rejectedHypotheses.length ? [section(`*Checked and rejected:*\n${n.rejectedHypotheses.map((c) => `• ${esc(oneLine(c.text))} ${ids(c.evidenceIds)}`).join('\n')}`, { docUrl: cutTo })] : []),
    ...(g.verdict === 'inconclusive' ? [section(`*Needs a human:* ${esc(g.missing.join('; ') || 'the evidence does not single out one cause')}`, { docUrl: cutTo })] : []),
    section(actions(g), { docUrl: cutTo }),
    context(`${rcaNote(links, g.id, url)} · narrative: ${esc(g.engine)} · group \`${esc(g.id)}\``),
  ];
  return fitMessage(blocks, { docUrl: cutTo, text: esc(`${g.title}: ${verdictLabel(g.verdict)}`) });
}

/** Where the full RCA is: the group's section, or (shortened, or an earlier run's document) the store. */
function rcaNote(links: DigestDocLinks, groupId: string, url: string): string {
  const at = (label: string) => (url ? link(url, label) : label);
  switch (links.place(groupId)) {
    case 'full': return at('Full RCA in the document');
    case 'brief': return `${at('One line in the document')}; full RCA in the fleetops store`;
    case 'counted': return `${at('Counted by kind in the document')}; full RCA in the fleetops store`;
    default: return `${at('The document')} is an earlier run's; full RCA in the fleetops store`;
  }
}

function ids(evidenceIds: readonly string[]): string {
  return evidenceIds.length ? `[${evidenceIds.map((id) => `\`${esc(id)}\``).join(', ')}]` : '[no evidence]';
}

function evidenceSection(g: DigestGroupView, url: string, inFull: boolean): SlackBlock[] {
  if (g.evidence.length === 0) return [];
  const lines = g.evidence.slice(0, EVIDENCE_IN_REPLY).map((e) => {
    const open = e.link ? ` ${link(e.link, 'open')}` : '';
    return `• _${esc(e.source)}_ \`${esc(e.id)}\`: ${esc(clip(oneLine(e.excerpt), REPLY_EXCERPT_CHARS))}${open}`;
  });
  const more = g.evidence.length - EVIDENCE_IN_REPLY;
  if (more > 0) lines.push(`_… ${more} more cited in ${!inFull ? 'the fleetops store under the group id' : url ? link(url, 'the document') : 'the document'}_`);
  return [section(`*Top evidence:*\n${lines.join('\n')}`, { docUrl: url })];
}

/** Beside the evidence, and whatever the verdict: a root cause does not rule out what was never read. */
function notCheckedSection(g: DigestGroupView): SlackBlock[] {
  const text = notCheckedText(g.notConfigured);
  return text ? [section(`*${esc(text)}*`)] : [];
}

function actions(g: DigestGroupView): string {
  const rb = g.runbook;
  const lines = [rb ? `*Runbook:* ${rb.url ? link(rb.url, `runbooks/${rb.id}.md`) : `\`runbooks/${esc(rb.id)}.md\``} — ${esc(rb.title)}, section ${esc(rb.section)} (line ${rb.line})` : '*Runbook:* none matched'];
  const p = g.proposal;
  // only a proposed one waits for approval; a decided, running or finished one is shown as it stands
  if (p) lines.push(`*Proposal* \`${esc(p.id8)}\`: ${esc(`${p.operation} on ${p.target}`)}, risk ${esc(p.risk)}, ${esc(p.state)}${p.state === 'proposed' ? `, expires ${esc(utcTime(p.expiresAtMs))}. Approval happens in this thread.` : ': nothing to approve.'}`);
  else if (g.symptom) lines.push(`*No proposal:* ${esc(g.symptom.detail)}`);
  return lines.join('\n');
}

/**
 * What a reply of an earlier run becomes when a later run of the same day no longer has its group
 * (new findings joined or split it): the thread keeps one current reply per incident.
 */
export function renderSupersededReply(s: { groupId: string; title: string; runId: string; withdrawn: readonly string[] }, docUrl: string): FittedMessage {
  const withdrawn = s.withdrawn.length ? ` Its proposal ${s.withdrawn.map((id) => `\`${esc(id.slice(0, 8))}\``).join(', ')} is withdrawn; approve the current one instead.` : '';
  const blocks: SlackBlock[] = [
    section(`~${esc(oneLine(s.title))}~\n*Superseded:* a later run of this digest regrouped these findings, and the current replies in this thread describe them.${withdrawn}`, { docUrl }),
    context(`${docUrl ? `${link(docUrl, 'The document')} has the current groups · ` : ''}superseded by run \`${esc(s.runId)}\` · group \`${esc(s.groupId)}\``),
  ];
  return fitMessage(blocks, { docUrl, text: esc(`Superseded: ${s.title}`) });
}
