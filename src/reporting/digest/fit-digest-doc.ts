import type { DigestGroupBrief, DigestGroupView } from '../../digest/digest-model.js';
import type { DocBlock, DocModel } from '../doc-model.js';
import { blocksChars, docChars, GOOGLE_DOCS_MAX_CHARS, largestFitting } from '../doc-size.js';
import { BRIEF_ANCHOR, briefBlocks, COUNTED_ANCHOR, countedBlocks } from './render-group-brief.js';

/** The digest document's pieces, built once; the layout below only chooses which of them go in. */
export interface DigestDocParts {
  title: string;
  /** In the model's order: critical first, then most clusters. */
  groups: readonly DigestGroupView[];
  /** Groups past `digest.maxAnalysedGroups`, after `groups` in the same order: one line each at most, never a section. */
  notAnalysed: readonly DigestGroupBrief[];
  runId: string;
  /** The opening blocks (window, summary, SLO table, the groups heading), with `notice` after the summary. */
  head: (notice?: string) => DocBlock[];
  /** The index table of the groups that have a section. */
  index: (groups: readonly DigestGroupView[]) => DocBlock[];
  /** Each analysed group's full RCA, in order. */
  sections: DocBlock[][];
  /** After the groups (those that could not be analysed). */
  tail: DocBlock[];
}

/** Where a group is in the document: its own section, one line under “Groups in brief”, or counted by kind. */
export type GroupPlace = 'full' | 'brief' | 'counted';

/**
 * What the fitted document holds, in the model's order: the first `detailed` groups in full, the
 * next `brief` one line each, the last `counted` counted by kind (when not `shortened`: every analysed
 * group in full, and the `notAnalysed` groups one line each).
 */
export interface DigestDocLayout {
  shortened: boolean;
  detailed: number;
  brief: number;
  counted: number;
  /** Groups past `digest.maxAnalysedGroups` among `brief` and `counted` (the last ones). */
  notAnalysed: number;
  /** Each group's place and the anchor of the heading it is under (its section's, or that of the brief or counted table). */
  groups: ReadonlyMap<string, { place: GroupPlace; anchor: string }>;
}

export interface FittedDigestDoc {
  doc: DocModel;
  layout: DigestDocLayout;
}

/** Groups with a full section, then groups with one line each (`listed`; all the rest when undefined); the others are counted by kind. */
interface Cut { detailed: number; causeChars: number; listed?: number }

/** Root-cause characters per brief line, tried in turn until every group has its line. */
const BRIEF_CAUSE_CHARS = [300, 120, 40];
/** Groups kept in full before any is cut to one line, when their sections fit a quarter of the budget. */
const MIN_DETAILED = 10;

/**
 * The whole document (every analysed group in full, those past `digest.maxAnalysedGroups` one line
 * each) when it fits `maxChars`. Otherwise shortened, trying in turn: the first groups in full (at
 * least MIN_DETAILED, then as many as fit; never a group not analysed) and one line for each of the others; the same
 * with no group in full; and, when even one line each is too long, full RCAs within half the budget,
 * one line each for the next groups while they fit, and the rest counted by kind. The result never
 * exceeds `maxChars` unless the opening blocks, the counted table and the failures alone do (a few
 * tens of thousands of characters: both lists are capped). Returned with the layout it chose, so
 * links into the document go where each group is.
 */
export function fitDigestDocument(parts: DigestDocParts, maxChars: number): FittedDigestDoc {
  const all: readonly DigestGroupBrief[] = [...parts.groups, ...parts.notAnalysed];
  const n = all.length;
  // only analysed groups have a section: the others are one line each even when nothing is shortened
  const a = parts.groups.length;
  const whole = { detailed: a, causeChars: BRIEF_CAUSE_CHARS[0] };
  const full: DocModel = { title: parts.title, blocks: a === n ? [...parts.head(), ...parts.index(parts.groups), ...parts.sections.flat(), ...parts.tail] : shortenedBlocks(parts, all, whole) };
  const fullChars = docChars(full);
  if (fullChars <= maxChars) return { doc: full, layout: layoutOf(parts, all, whole, false) };
  const layout = (cut: Cut): DocModel => ({ title: parts.title, blocks: shortenedBlocks(parts, all, cut, { fullChars, maxChars }) });
  const fits = (cut: Cut) => docChars(layout(cut)) <= maxChars;
  const fitted = (cut: Cut): FittedDigestDoc => ({ doc: layout(cut), layout: layoutOf(parts, all, cut, true) });
  for (const floor of [prefixWithin(parts.sections, MIN_DETAILED, maxChars / 4), 0]) {
    for (const causeChars of BRIEF_CAUSE_CHARS) {
      if (fits({ detailed: floor, causeChars })) return fitted({ detailed: largestFitting(floor, a, (detailed) => fits({ detailed, causeChars })), causeChars });
    }
  }
  const causeChars = BRIEF_CAUSE_CHARS[1];
  const detailed = largestFitting(0, prefixWithin(parts.sections, a, maxChars / 2), (d) => fits({ detailed: d, causeChars, listed: 0 }));
  return fitted({ detailed, causeChars, listed: largestFitting(0, n - detailed, (listed) => fits({ detailed, causeChars, listed })) });
}

/** The layout `cut` gives, so links into the document go where each group is. */
function layoutOf(parts: DigestDocParts, all: readonly DigestGroupBrief[], cut: Cut, shortened: boolean): DigestDocLayout {
  const n = all.length;
  const listedEnd = cut.listed === undefined ? n : cut.detailed + cut.listed;
  const groups = new Map<string, { place: GroupPlace; anchor: string }>();
  all.forEach((g, i) => {
    const heading = parts.sections[i]?.find((b) => b.kind === 'heading' && b.anchor);
    if (i < cut.detailed) groups.set(g.id, { place: 'full', anchor: heading?.kind === 'heading' && heading.anchor ? heading.anchor : 'groups' });
    else groups.set(g.id, i < listedEnd ? { place: 'brief', anchor: BRIEF_ANCHOR } : { place: 'counted', anchor: COUNTED_ANCHOR });
  });
  return { shortened, detailed: cut.detailed, brief: listedEnd - cut.detailed, counted: n - listedEnd, notAnalysed: parts.notAnalysed.length, groups };
}

/** How many of the first (at most `max`) sections fit in `chars` together. */
function prefixWithin(sections: readonly DocBlock[][], max: number, chars: number): number {
  let used = 0;
  let k = 0;
  for (; k < Math.min(max, sections.length); k += 1) {
    used += blocksChars(sections[k]);
    if (used > chars) break;
  }
  return k;
}

/** The document `cut` gives; with `size`, shortened to it and saying so. */
function shortenedBlocks(parts: DigestDocParts, all: readonly DigestGroupBrief[], cut: Cut, size?: { fullChars: number; maxChars: number }): DocBlock[] {
  const n = all.length;
  const listedEnd = cut.listed === undefined ? n : cut.detailed + cut.listed;
  const brief = all.slice(cut.detailed, listedEnd);
  const counted = all.slice(listedEnd);
  return [
    ...parts.head(size && notice({ n, analysed: parts.groups.length, detailed: cut.detailed, brief: brief.length, counted: counted.length }, size)),
    ...(cut.detailed ? parts.index(parts.groups.slice(0, cut.detailed)) : []),
    ...(cut.detailed < n ? [{ kind: 'paragraph' as const, spans: [`Groups ${cut.detailed + 1} to ${n} have no section of their own: see ${[brief.length ? '“Groups in brief”' : '', counted.length ? '“Groups counted by kind”' : ''].filter(Boolean).join(' and ')} below.`] }] : []),
    ...parts.sections.slice(0, cut.detailed).flat(),
    ...briefBlocks({ groups: brief, first: cut.detailed + 1, causeChars: cut.causeChars }),
    ...countedBlocks({ groups: counted, first: listedEnd + 1, runId: parts.runId }),
    ...parts.tail,
  ];
}

function notice(c: { n: number; analysed: number; detailed: number; brief: number; counted: number }, size: { fullChars: number; maxChars: number }): string {
  const f = (x: number) => x.toLocaleString('en-US');
  const rest = [
    c.brief ? `${c.counted ? 'the next' : 'the other'} ${f(c.brief)} are one line each under “Groups in brief”, with their root cause (or “not analysed”) and group id` : '',
    c.counted ? `the remaining ${f(c.counted)} are counted by kind under “Groups counted by kind”` : '',
  ].filter(Boolean).join(', and ');
  const every = c.analysed < c.n ? 'analysed group' : 'group';
  return `Shortened to fit Google Docs: every ${every} in full would take about ${f(size.fullChars)} characters, over this document's budget of ${f(size.maxChars)} `
    + `(a Google Doc holds at most about ${f(GOOGLE_DOCS_MAX_CHARS)}). The first ${f(c.detailed)} of ${f(c.n)} groups (critical first, then most clusters, then most error budget burned: the order of the Slack thread) `
    + `have their full RCA below; ${rest}. Every ${every}'s full RCA and evidence are in the fleetops store under its group id.`;
}
