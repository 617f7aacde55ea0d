import { isAnalysedView, type DigestGroupBrief } from '../../digest/digest-model.js';
import type { DocBlock, Inline } from '../doc-model.js';
import { clip, oneLine, verdictLabel } from './digest-format.js';

const BRIEF_HEADER = ['#', 'Group', 'Severity', 'Clusters', 'Verdict', 'Root cause', 'Evidence', 'Proposal', 'Group id'];
const COUNTED_HEADER = ['Severity', 'Components', 'Signals', 'Verdict', 'Leading cause', 'Groups', 'Clusters', 'First group ids'];
const TITLE_CHARS = 120;
/** Kinds listed in the counted table; the rest share its last row. */
const KINDS_LISTED = 150;
const IDS_PER_KIND = 3;
/** Anchors of the two headings, the place Slack links to for a group without a section of its own. */
export const BRIEF_ANCHOR = 'groups-in-brief';
export const COUNTED_ANCHOR = 'groups-counted';
/** The verdict of a group past `digest.maxAnalysedGroups`, in the brief and counted tables. */
export const NOT_ANALYSED = 'not analysed';

/** One line of a group without a section of its own: what it is, its root cause, and the id its RCA and evidence are stored under. */
function briefRow(g: DigestGroupBrief, n: number, causeChars: number): Inline[][] {
  const head = [[String(n)], [clip(oneLine(g.title), TITLE_CHARS)], [g.severity], [String(g.clusters.length)]];
  if (!isAnalysedView(g)) return [...head, [NOT_ANALYSED], ['—'], ['—'], ['—'], [{ text: g.id, code: true }]];
  return [
    ...head, [verdictLabel(g.verdict)],
    [clip(oneLine(g.narrative.rootCause.statement), causeChars)], [`${g.evidence.length} cited of ${g.ledgerSize}`],
    [g.proposal ? { text: g.proposal.id8, code: true } : '—'], [{ text: g.id, code: true }],
  ];
}

const SETTING: Inline = { text: 'digest.maxAnalysedGroups', code: true };

/** `lead`, then where the lines' RCAs are: in the store, or (for groups past `digest.maxAnalysedGroups`) nowhere. */
function briefNote(lead: string, groups: readonly DigestGroupBrief[]): Inline[] {
  const skipped = groups.filter((g) => !isAnalysedView(g)).length;
  const stored = 'full RCA (facts, claims, red herrings, runbook, next steps) and its evidence with links are in the fleetops store under its group id (its RCA and evidence rows)';
  const why = ', so no evidence was gathered and no RCA made for them.';
  if (skipped === 0) return [`${lead}Each group's ${stored}.`];
  if (skipped === groups.length) return [`${lead}None of them was analysed: they are past `, SETTING, why];
  return [`${lead}Each analysed group's ${stored}; the ${skipped} marked “${NOT_ANALYSED}” are past `, SETTING, why];
}

/** `groups` one line each, numbered from `first` (1-based, as in the document); root causes cut to `causeChars`. */
export function briefBlocks(b: { groups: readonly DigestGroupBrief[]; first: number; causeChars: number }): DocBlock[] {
  if (b.groups.length === 0) return [];
  return [
    { kind: 'heading', level: 2, text: 'Groups in brief', anchor: BRIEF_ANCHOR },
    { kind: 'paragraph', spans: briefNote(`Groups ${b.first} to ${b.first + b.groups.length - 1}, one line each in the same order. `, b.groups) },
    { kind: 'table', header: BRIEF_HEADER, rows: b.groups.map((g, i) => briefRow(g, b.first + i, b.causeChars)) },
  ];
}

interface Kind { severity: string; components: string; signals: string; verdict: string; cause: string; groups: number; clusters: Set<string>; ids: string[] }

function kindsOf(groups: readonly DigestGroupBrief[]): Kind[] {
  const kinds = new Map<string, Kind>();
  for (const g of groups) {
    const analysed = isAnalysedView(g);
    const k = {
      severity: g.severity, components: g.components.join(', '), signals: g.signals.join(', '),
      verdict: analysed ? verdictLabel(g.verdict) : NOT_ANALYSED, cause: analysed ? g.top?.failureMode ?? 'no candidate' : '—',
    };
    const key = JSON.stringify(k);
    const kind = kinds.get(key) ?? { ...k, groups: 0, clusters: new Set<string>(), ids: [] };
    kinds.set(key, kind);
    kind.groups += 1;
    for (const c of g.clusters) kind.clusters.add(c);
    if (kind.ids.length < IDS_PER_KIND) kind.ids.push(g.id);
  }
  return [...kinds.values()].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'critical' ? -1 : 1) || b.groups - a.groups);
}

function kindRow(k: Kind): Inline[][] {
  return [
    [k.severity], [clip(k.components, 80)], [clip(k.signals, 60)], [k.verdict], [k.cause], [String(k.groups)], [String(k.clusters.size)],
    k.ids.flatMap((id, i): Inline[] => [...(i ? [', '] : []), { text: id, code: true }]),
  ];
}

/**
 * Groups past those listed one line each, counted by severity, components, signals, verdict and
 * leading cause: every group is accounted for, and the store has each one under its group id.
 */
export function countedBlocks(c: { groups: readonly DigestGroupBrief[]; first: number; runId: string }): DocBlock[] {
  if (c.groups.length === 0) return [];
  const skipped = c.groups.filter((g) => !isAnalysedView(g)).length;
  const counted = `Groups ${c.first} to ${c.first + c.groups.length - 1} (${c.groups.length}) are too many to list here, so they are counted by severity, components, signals, verdict and leading cause. `;
  const run: Inline = { text: c.runId, code: true };
  const spans: Inline[] = skipped === 0 ? [`${counted}Each one, with its full RCA and evidence, is in the fleetops store under its group id, among the incident groups of run `, run, '.']
    : [`${counted}Each one is in the fleetops store under its group id, among the incident groups of run `, run,
      `; ${skipped === c.groups.length ? 'none of them was analysed' : `the ${skipped} “${NOT_ANALYSED}” were not analysed`} (past `, SETTING, '): no evidence, no RCA.'];
  const kinds = kindsOf(c.groups);
  const shown = kinds.slice(0, KINDS_LISTED);
  const others = kinds.slice(KINDS_LISTED);
  const othersRow: Inline[][] = [['(other kinds)'], [`${others.length} kinds`], ['—'], ['—'], ['—'], [String(others.reduce((n, k) => n + k.groups, 0))],
    [String(new Set(others.flatMap((k) => [...k.clusters])).size)], ['—']];
  return [
    { kind: 'heading', level: 2, text: 'Groups counted by kind', anchor: COUNTED_ANCHOR },
    { kind: 'paragraph', spans },
    { kind: 'table', header: COUNTED_HEADER, rows: [...shown.map(kindRow), ...(others.length ? [othersRow] : [])] },
  ];
}
