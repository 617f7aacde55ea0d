import type { z } from 'zod';
import type { SlackCaller } from './slack-call.js';

type CursorPage = { response_metadata?: { next_cursor?: string } };

/** Pages of a cursor-paginated method, each fetched (and retried) separately, until the cursor is empty. */
export async function* paginate<S extends z.ZodType<CursorPage>>(
  caller: SlackCaller, method: string, args: Record<string, unknown>, schema: S,
): AsyncGenerator<z.infer<S>> {
  let cursor: string | undefined;
  do {
    const page: z.infer<S> = await caller.call(method, cursor ? { ...args, cursor } : args, schema);
    yield page;
    cursor = page.response_metadata?.next_cursor || undefined;
  } while (cursor);
}
