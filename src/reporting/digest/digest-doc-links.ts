import { escapeSlackText as esc } from '../slack/index.js';
import { groupDocUrl } from './digest-format.js';
import type { DigestDocLayout, GroupPlace } from './fit-digest-doc.js';

/** How Slack messages link into the day's document, and what they may say it holds. */
export interface DigestDocLinks {
  /** The document; '' when there is none. */
  url: string;
  /**
   * Every group in full; shortened as `layout` says; or not known: the document an earlier run wrote,
   * linked when this run could not write it.
   */
  holds: 'every-group' | 'shortened' | 'unknown';
  /** The layout of the document this run wrote. */
  layout?: DigestDocLayout;
  /** Where the group is in the document (its section, or the heading of its brief line or count); the document itself when that is not known; '' without a document. */
  group(groupId: string): string;
  /** The group's place in the document; undefined when not known. */
  place(groupId: string): GroupPlace | undefined;
}

/**
 * Links into a document this run wrote with `layout`; `anchors` are the writer's links to its anchored
 * headings (DocWriter), without which every link opens the document itself.
 */
export function digestDocLinks(url: string, layout?: DigestDocLayout, anchors?: Readonly<Record<string, string>>): DigestDocLinks {
  return {
    url, layout, holds: !layout ? 'unknown' : layout.shortened ? 'shortened' : 'every-group',
    group: (groupId) => {
      const anchor = layout?.groups.get(groupId)?.anchor;
      return (anchor && anchors?.[anchor]) || url;
    },
    place: (groupId) => layout?.groups.get(groupId)?.place,
  };
}

/** A document URL alone: every group in full under its `#group-` anchor (the layout of a document under its budget). */
function wholeDocLinks(url: string): DigestDocLinks {
  return { url, holds: 'every-group', group: (groupId) => groupDocUrl(url, groupId), place: () => 'full' };
}

export function toDocLinks(doc: string | DigestDocLinks): DigestDocLinks {
  return typeof doc === 'string' ? wholeDocLinks(doc) : doc;
}

/**
 * What the document holds, as a sentence after `{doc}` (a link or "The document"): every group's full
 * RCA; when shortened, how many groups are in full, in brief and counted, and that every full RCA is
 * in the store under its group id; for an earlier run's document, that it is that one.
 */
export function documentHoldsText(links: DigestDocLinks, doc: string): string {
  const l = links.layout;
  if (links.holds === 'unknown') {
    return `${doc} is the one an earlier run wrote (this run could not write it): it may not have every group in full. Every group's full RCA is in the fleetops store under its group id.`;
  }
  // groups past digest.maxAnalysedGroups have no RCA anywhere: the sentences speak of the analysed ones
  const every = l?.notAnalysed ? 'analysed group' : 'group';
  if (links.holds === 'every-group' || !l) return `${doc} has every ${every}'s full RCA.`;
  const f = (x: number) => x.toLocaleString('en-US');
  const parts = [`${f(l.detailed)} in full`, l.brief ? `${f(l.brief)} in brief (one line each)` : '', l.counted ? `${f(l.counted)} counted by kind` : ''].filter(Boolean);
  const listed = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}` : parts[0];
  const skipped = l.notAnalysed ? ` (${f(l.notAnalysed)} not analysed)` : '';
  return `${doc} was shortened to fit Google Docs: of its ${f(l.detailed + l.brief + l.counted)} groups${skipped}, ${esc(listed)}. Every ${every}'s full RCA is in the fleetops store under its group id.`;
}
