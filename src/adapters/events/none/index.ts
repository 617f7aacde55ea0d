import type { EventSource } from '../types.js';

/** events.kind none: no event store. Answers no events; evidence collectors check `configured` and say so instead. */
export function createNoEvents(): EventSource {
  return { configured: false, listEvents: async (q) => (q.abortSignal?.throwIfAborted(), []) };
}
