import type { DocModel } from '../../reporting/doc-model.js';

/** What a write gives back. */
export interface WrittenDocument {
  id: string;
  url: string;
  created: boolean;
  /**
   * A link opening the document at each heading that has an `anchor`, by anchor; absent when the
   * document has none or the writer could not learn them (then link the document itself).
   */
  anchors?: Record<string, string>;
}

/** Long-form documents (files by default; Google Docs in production). */
export interface DocWriter {
  /**
   * Create the document for `key`, or replace the content of the one created earlier for the same key
   * (idempotent; Drive appProperties / a file name carry the key). Returns its id and a link.
   */
  upsertDocument(key: string, doc: DocModel): Promise<WrittenDocument>;
}
