import { z } from 'zod';

/** One hit of a `_search` answer; `_source` is read field by field through the field map. */
export const SearchHit = z.object({
  _index: z.string(),
  _id: z.string(),
  _source: z.record(z.string(), z.unknown()),
  sort: z.array(z.unknown()).optional(),
});
export type SearchHit = z.infer<typeof SearchHit>;

/** The `_search` answer (`hits.total` is a number when `rest_total_hits_as_int` is set, absent when not tracked). */
export const SearchResponse = z.object({
  took: z.number().optional(),
  timed_out: z.boolean().optional(),
  _shards: z.object({
    total: z.number(), successful: z.number(), failed: z.number(),
    // read only to word the error: an odd shape here must not hide the failure itself
    failures: z.array(z.object({ index: z.string().nullish(), reason: z.object({ type: z.string(), reason: z.string() }).partial().nullish() })).catch([]),
  }).partial().optional(),
  hits: z.object({
    total: z.union([z.number(), z.object({ value: z.number(), relation: z.enum(['eq', 'gte']) })]).optional(),
    hits: z.array(SearchHit),
  }),
});
export type SearchResponse = z.infer<typeof SearchResponse>;

/** The error body OpenSearch sends with 4xx/5xx; AWS's front end (e.g. a SigV4 refusal) sends `{message}`. */
export const SearchErrorBody = z.union([
  z.object({ error: z.union([z.string(), z.object({ type: z.string().optional(), reason: z.string().optional() })]) }),
  z.object({ message: z.string() }),
]);
