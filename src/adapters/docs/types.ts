import type { DocModel } from '../../reporting/doc-model.js';

/** Long-form documents (files by default; Google Docs in production). */
export interface DocWriter {
  /**
   * Create the document for `key`, or replace the content of the one created earlier for the same key
   * (idempotent; Drive appProperties / a file name carry the key). Returns its id and a link.
   */
  upsertDocument(key: string, doc: DocModel): Promise<{ id: string; url: string; created: boolean }>;
}
