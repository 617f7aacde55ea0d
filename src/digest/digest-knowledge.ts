import type { Store } from '../adapters/store/types.js';
import { loadFailureModel, type LoadedFailureModel } from '../rca/failure-model/index.js';
import { loadSafeOperationCatalog, type SafeOperationCatalog } from '../remediation/catalog/index.js';
import { createRunbookIndex, loadRunbooks, runbooksDirFor, type RunbookIndex } from '../runbooks/index.js';

/** The static knowledge an RCA reads, loaded once per digest. */
export interface DigestKnowledge {
  failureModel: LoadedFailureModel;
  runbookIndex: RunbookIndex;
  safeOperations: SafeOperationCatalog;
}

/** Loads the shipped failure model and safe-operation catalog and the runbooks folder (config `runbooksDir`, default the shipped one). */
export function loadDigestKnowledge(opts: { runbooksDir?: string } = {}): DigestKnowledge {
  return {
    failureModel: loadFailureModel(),
    runbookIndex: createRunbookIndex(loadRunbooks(runbooksDirFor(opts.runbooksDir))),
    safeOperations: loadSafeOperationCatalog(),
  };
}

const FEEDBACK_LOOKBACK_MS = 90 * 86_400_000;

/**
 * Net people's votes (👍 − 👎) on past RCAs over 90 days, keyed `<signature>::<failureMode>` as
 * analyseGroup expects: the failure mode is the one the voted RCA blamed.
 */
export async function loadFeedbackPriors(store: Store, nowMs: number): Promise<Map<string, number>> {
  const priors = new Map<string, number>();
  const blamed = new Map<string, string | undefined>();
  for (const f of await store.feedback.list({ sinceMs: nowMs - FEEDBACK_LOOKBACK_MS })) {
    if (f.subjectKind !== 'rca') continue;
    if (!blamed.has(f.subjectId)) {
      const body = (await store.rcas.get(f.subjectId))?.body as { rca?: { top?: { failureMode?: string } } } | undefined;
      blamed.set(f.subjectId, body?.rca?.top?.failureMode);
    }
    const mode = blamed.get(f.subjectId);
    const key = f.signature.includes('::') ? f.signature : mode && `${f.signature}::${mode}`;
    if (key) priors.set(key, (priors.get(key) ?? 0) + f.value);
  }
  return priors;
}
