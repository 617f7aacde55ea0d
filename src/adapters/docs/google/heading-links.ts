import type { DocModel } from '../../../reporting/doc-model.js';
import { withRetry, type ApiContext, type CallContext } from './google-call.js';
import { DocsHeadingIds } from './schema.js';

/**
 * Links opening document `documentId` at each anchored heading of `doc`, just written into it. Docs
 * gives every heading paragraph a `headingId` (`#heading=h.…` in a link); the body's headings, in
 * order, are the title and then `doc`'s headings, each one top-level paragraph. One documents.get,
 * only when `doc` has an anchor; undefined when the count differs (the body is not what was written).
 */
export async function readHeadingLinks(api: ApiContext, documentId: string, label: string, doc: DocModel, docUrl: string): Promise<Record<string, string> | undefined> {
  const headings = doc.blocks.flatMap((b) => (b.kind === 'heading' ? [b.anchor] : []));
  if (!headings.some(Boolean)) return undefined;
  const ctx: CallContext = { service: 'google-docs', operation: 'docs.documents.get', document: label, folderId: api.folderId };
  const res = await withRetry(ctx, api.policy, () => api.docs.documents.get({ documentId, fields: 'body(content(paragraph(paragraphStyle(headingId))))' }, api.request));
  const ids = headingIdsOf(res.data);
  if (ids.length !== headings.length + 1) {
    api.policy.logger.warn({ document: label, headingsRead: ids.length, headingsWritten: headings.length + 1 }, 'google doc headings differ from those written; links open the document');
    return undefined;
  }
  const links: Record<string, string> = {};
  headings.forEach((anchor, i) => {
    if (anchor) links[anchor] = `${docUrl}#heading=${encodeURIComponent(ids[i + 1])}`;
  });
  return links;
}

/** The body's heading ids in order, from a documents.get answer: a paragraph whose id is absent, null or empty is not a heading. */
export function headingIdsOf(data: unknown): string[] {
  return DocsHeadingIds.parse(data).body.content.flatMap((e) => e.paragraph?.paragraphStyle?.headingId || []);
}
