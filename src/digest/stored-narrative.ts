import type { EvidenceRow, RcaRow } from '../adapters/store/types.js';
import { checkGrounding } from '../rca/narrative/grounding.js';
import type { Narrative } from '../rca/narrative/llm-narrative.js';

/** A model narrative an earlier run accepted for this group, and the evidence it was grounded on. */
export interface StoredNarrative {
  engine: 'bedrock';
  /** The run whose model call wrote it (carried over reuses). */
  runId: string;
  narrative: Narrative;
  evidenceIds: string[];
}

export type StoredNarrativeReuse = { ok: true; narrative: Narrative } | { ok: false; reason: string };

/**
 * The model narrative of a stored RCA row; undefined for a template narrative, a body not of that
 * shape, or one whose model asked for a tool outside the read-only list (stored before that was refused).
 */
export function storedModelNarrative(row: RcaRow | undefined): StoredNarrative | undefined {
  if (!row || row.engine === 'template') return undefined;
  const body = row.body as { narrative?: unknown; evidenceIds?: unknown; llm?: { reusedFrom?: { runId?: unknown }; toolCalls?: unknown } };
  const ids = body.evidenceIds;
  if (!body.narrative || typeof body.narrative !== 'object' || !Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) return undefined;
  const calls = body.llm?.toolCalls;
  if (Array.isArray(calls) && calls.some((c) => (c as { allowed?: unknown } | null)?.allowed === false)) return undefined;
  const from = body.llm?.reusedFrom?.runId;
  return { engine: row.engine, runId: typeof from === 'string' ? from : row.runId, narrative: body.narrative as Narrative, evidenceIds: ids };
}

/**
 * The stored narrative again when the group's evidence is the one it was grounded on (evidence ids
 * are content hashes: same set, same content) and it still passes the grounding check against this
 * ledger and these facts. Its next steps are the template's (the caller sets them), never the model's,
 * so they are left out of the check. Pure.
 */
export function reuseStoredNarrative(stored: StoredNarrative, ledger: readonly EvidenceRow[], facts: readonly string[]): StoredNarrativeReuse {
  const now = new Set(ledger.map((r) => r.id));
  const then = new Set(stored.evidenceIds);
  const added = [...now].filter((id) => !then.has(id)).length;
  const gone = [...then].filter((id) => !now.has(id)).length;
  const not = `the model narrative of run ${stored.runId} was not reused`;
  if (added > 0 || gone > 0) return { ok: false, reason: `${not}: the group's evidence changed since (${added} rows new, ${gone} gone)` };
  const checked = checkGrounding({ ...stored.narrative, nextSteps: [] }, ledger, facts);
  if (!checked.ok) return { ok: false, reason: `${not}: it no longer passes the grounding check (${checked.reasons.slice(0, 3).join('; ')})` };
  return { ok: true, narrative: checked.answer };
}
