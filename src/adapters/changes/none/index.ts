import type { ChangeSource } from '../types.js';

/** changes.kind none: no deploy history. Answers no changes; evidence collectors check `configured` and say so instead. */
export function createNoChanges(): ChangeSource {
  return { configured: false, listChanges: async (q) => (q.abortSignal?.throwIfAborted(), []) };
}
