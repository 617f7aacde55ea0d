import type { docs_v1 } from 'googleapis';
import type { DocModel } from '../../../reporting/doc-model.js';
import { buildDocRequests } from './build-doc-requests.js';
import { withRetry, type ApiContext, type CallContext } from './google-call.js';
import { DocsDocumentBody } from './schema.js';
import type { TokenBucket } from './token-bucket.js';

type Request = docs_v1.Schema$Request;

export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Deletes the old body (all but the final newline, which a segment must keep), when there is one. */
function withDeletion(endIndex: number, requests: Request[]): Request[] {
  if (endIndex <= 2) return requests;
  return [{ deleteContentRange: { range: { startIndex: 1, endIndex: endIndex - 1 } } }, ...requests];
}

export interface WriteContentDeps {
  api: ApiContext;
  bucket: TokenBucket;
  maxRequestsPerBatch: number;
}

/**
 * Replaces the body of `documentId` with `doc`. Each attempt starts over from documents.get and deletes
 * the whole old body, so retrying after a failure in any batch (even one the server applied) converges
 * on the same content. A single batch is atomic on the server; content is split only above the limit.
 */
export async function replaceContent(deps: WriteContentDeps, documentId: string, label: string, doc: DocModel): Promise<number> {
  const { api, bucket } = deps;
  const requests = buildDocRequests(doc);
  const ctx: CallContext = { service: 'google-docs', operation: 'docs.documents.get', document: label, folderId: api.folderId };
  return withRetry(ctx, api.policy, async () => {
    ctx.operation = 'docs.documents.get';
    const res = await api.docs.documents.get({ documentId, fields: 'documentId,body(content(endIndex))' }, api.request);
    const content = DocsDocumentBody.parse(res.data).body.content;
    const batches = chunk(withDeletion(content[content.length - 1].endIndex, requests), deps.maxRequestsPerBatch);
    ctx.operation = 'docs.documents.batchUpdate';
    for (const batch of batches) {
      await bucket.take();
      await api.docs.documents.batchUpdate({ documentId, requestBody: { requests: batch } }, api.request);
    }
    return batches.length;
  });
}
