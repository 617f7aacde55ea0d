import type { LogSearch } from '../types.js';

/** logs.kind none: no log store. Answers no lines; evidence collectors check `configured` and say so instead. */
export function createNoLogs(): LogSearch {
  return { configured: false, search: async (q) => (q.abortSignal?.throwIfAborted(), []) };
}
