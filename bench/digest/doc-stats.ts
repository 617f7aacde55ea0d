/**
 * What the digest document becomes in Google Docs: the DocModel the job hands to `docs().upsertDocument`
 * is captured (the file writer still writes it) and turned into Docs batchUpdate requests the way the
 * Google writer does, so a run on the embedded defaults shows the size production would send.
 */
import type { Adapters } from '../../src/adapters/index.js';
import type { DocWriter } from '../../src/adapters/docs/types.js';
import { buildDocRequests } from '../../src/adapters/docs/google/build-doc-requests.js';
import { spanText, type DocModel } from '../../src/reporting/doc-model.js';

/** The Google writer's default requests per batchUpdate (GoogleDocWriterOptions.maxRequestsPerBatch). */
const REQUESTS_PER_BATCH = 500;

export interface DocStats {
  /** Characters of text inserted (what Docs' ~1.02 million character limit counts). */
  textChars: number;
  /** End index of the body after the write: text plus table, row and cell positions. */
  bodyEndIndex: number;
  requests: number;
  batches: number;
  /** JSON size of the largest batchUpdate body, and of all of them. */
  largestBatchBytes: number;
  requestBytes: number;
  /** Group sections with full detail (level-2 headings with a group anchor). */
  detailedGroups: number;
  /** Groups one line each under “Groups in brief”, and groups counted by kind (fit-digest-doc.ts). */
  briefGroups: number;
  countedGroups: number;
  tables: number;
  tableRows: number;
}

/** `adapters` with `docs().upsertDocument` recording each document it is given in `seen`. */
export function captureDocs(adapters: Adapters, seen: DocModel[]): Adapters {
  const docs = (): DocWriter => {
    const inner = adapters.docs();
    return { upsertDocument: (key, doc) => { seen.push(doc); return inner.upsertDocument(key, doc); } };
  };
  return { ...adapters, docs };
}

export function docStats(doc: DocModel): DocStats {
  const requests = buildDocRequests(doc);
  const textChars = requests.reduce((n, r) => n + (r.insertText?.text?.length ?? 0), 0);
  // the reset of bullets spans the whole body, its last paragraph included
  const bodyEndIndex = requests.find((r) => r.deleteParagraphBullets)?.deleteParagraphBullets?.range?.endIndex ?? 1;
  let largestBatchBytes = 0;
  let requestBytes = 0;
  for (let i = 0; i < requests.length; i += REQUESTS_PER_BATCH) {
    const bytes = Buffer.byteLength(JSON.stringify({ requests: requests.slice(i, i + REQUESTS_PER_BATCH) }));
    largestBatchBytes = Math.max(largestBatchBytes, bytes);
    requestBytes += bytes;
  }
  const tables = doc.blocks.filter((b) => b.kind === 'table');
  /** The first table after the heading anchored `anchor`. */
  const tableAfter = (anchor: string) => {
    const at = doc.blocks.findIndex((b) => b.kind === 'heading' && b.anchor === anchor);
    const t = at < 0 ? undefined : doc.blocks.slice(at).find((b) => b.kind === 'table');
    return t?.kind === 'table' ? t : undefined;
  };
  const counted = tableAfter('groups-counted');
  const groupsColumn = counted?.header.indexOf('Groups') ?? -1;
  return {
    textChars, bodyEndIndex, requests: requests.length, batches: Math.ceil(requests.length / REQUESTS_PER_BATCH), largestBatchBytes, requestBytes,
    detailedGroups: doc.blocks.filter((b) => b.kind === 'heading' && b.level === 2 && b.anchor?.startsWith('group-')).length,
    briefGroups: tableAfter('groups-in-brief')?.rows.length ?? 0,
    countedGroups: counted ? counted.rows.reduce((n, row) => n + Number(row[groupsColumn]?.map(spanText).join('') ?? 0), 0) : 0,
    tables: tables.length, tableRows: tables.reduce((n, t) => n + (t.kind === 'table' ? t.rows.length + 1 : 0), 0),
  };
}
