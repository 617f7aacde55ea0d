import type { EvidenceRow } from '../../adapters/store/types.js';

export type UnreadSource = 'logs' | 'events' | 'changes';

/** A row the collectors write for a source whose kind is `none` (src/rca/evidence/not-configured-evidence.ts). */
export function isNotConfigured(row: EvidenceRow): boolean {
  return row.data.fact === 'source-not-configured';
}

/**
 * Wording that says a source showed nothing: true of a source that was read, made up of one that was
 * not. Narrow on purpose (a miss only lets a claim through, as before); a sentence that says the
 * source was not configured or not read is left alone.
 */
const ABSENCE: Record<UnreadSource, RegExp[]> = {
  logs: [
    /\b(?:no|zero|without)\s+(?:\w+\s+){0,2}(?:errors?|exceptions?)\b[^.;]*\blog(?:s|ged|ging)?\b/i,
    /\blog(?:s|ged)?\b[^.;]*\b(?:no|zero|without)\s+(?:\w+\s+){0,2}(?:errors?|exceptions?)\b/i,
    /\blogs?\s+(?:are|were|look|looked|stayed|remained)\s+clean\b/i,
  ],
  events: [
    /\b(?:no|zero|without)\s+(?:[\w-]+\s+){0,2}(?:events?|evictions?)\b/i,
  ],
  changes: [
    /\b(?:no|zero|without)\s+(?:[\w-]+\s+){0,2}(?:deploy(?:s|ments?)?|rollouts?|releases?|upgrades?|(?:config(?:uration)?|code)\s+changes?)\b/i,
    /\bnothing\s+(?:was\s+|had\s+been\s+)?(?:deployed|rolled\s+out|released|reconfigured)\b/i,
  ],
};

const SAYS_UNREAD = /\bnot\s+(?:configured|read|checked|collected)\b|\bunknown\b|\bkind(?:\s+is|:)?\s+none\b/i;

/** The sources the ledger holds a not-configured row for. */
export function unreadSources(ledger: readonly EvidenceRow[]): Set<UnreadSource> {
  return new Set(ledger.filter(isNotConfigured).map((r) => r.source).filter((s): s is UnreadSource => s in ABSENCE));
}

/** `where: says "no errors in the logs" about logs, which were not read (logs.kind is none)`. */
export function unreadSourceProblems(where: string, text: string, unread: ReadonlySet<UnreadSource>): string[] {
  if (unread.size === 0) return [];
  const sentences = text.split(/(?<=[.;!?])\s+|\n/).filter((s) => !SAYS_UNREAD.test(s));
  return [...unread].flatMap((source) => {
    const said = sentences.flatMap((s) => ABSENCE[source].flatMap((re) => re.exec(s)?.[0] ?? []));
    return said.length ? [`${where}: says ${JSON.stringify(said[0])} about ${source}, which were not read (${source}.kind is none)`] : [];
  });
}
