import type { docs_v1 } from 'googleapis';
import { googleapis } from './load-googleapis.js';
import type { Clock } from '../../../core/clock.js';
import { ExternalServiceError } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';
import type { DocModel } from '../../../reporting/doc-model.js';
import { docChars, GOOGLE_DOCS_MAX_CHARS } from '../../../reporting/doc-size.js';
import type { DocWriter } from '../types.js';
import { createInFolder, ensureGroupReader, findByKey, rename } from './drive-files.js';
import type { ApiContext } from './google-call.js';
import { readHeadingLinks } from './heading-links.js';
import { createTokenBucket, realSleep, type Sleep } from './token-bucket.js';
import { replaceContent } from './write-content.js';

export { buildDocRequests } from './build-doc-requests.js';

export interface GoogleDocWriterOptions {
  /**
   * A google.auth client (OAuth2, JWT, GoogleAuth) built by the caller with the Docs and Drive scopes.
   * For domain-wide delegation, the caller sets `subject` (JWT) / `clientOptions.subject` to impersonate a user.
   */
  auth: docs_v1.Options['auth'];
  /** API root, e.g. `http://127.0.0.1:PORT/` for a fake. Default: Google's. */
  rootUrl?: string;
  /** Folder in a Shared Drive where documents are created (service accounts have no Drive quota). */
  folderId: string;
  /** The Shared Drive's id: searches only that drive. Default: all drives the caller can see. */
  driveId?: string;
  /** Group e-mail given reader access to each document, without notification e-mails. */
  shareWithGroup?: string;
  logger: Logger;
  clock: Clock;
  /** Docs write budget (per user per minute); batchUpdates wait for it. Default 50. */
  writesPerMinute?: number;
  sleep?: Sleep;
  /** Retries of 429, 5xx and rate-limit 403 per operation. Default 4. */
  maxRetries?: number;
  /** First backoff when no Retry-After is given; doubles per retry. Default 1 s. */
  baseBackoffMs?: number;
  /** Per-call timeout. Default 30 s. */
  timeoutMs?: number;
  /** The job's deadline. */
  signal?: AbortSignal;
  /** Requests per batchUpdate; content is split only above it. Default 500. */
  maxRequestsPerBatch?: number;
}

export function documentUrl(id: string): string {
  return `https://docs.google.com/document/d/${id}/edit`;
}

function createApiContext(opts: GoogleDocWriterOptions): ApiContext {
  const { auth, rootUrl } = opts;
  return {
    docs: googleapis().google.docs({ version: 'v1', auth, ...(rootUrl ? { rootUrl } : {}) }),
    drive: googleapis().google.drive({ version: 'v3', auth, ...(rootUrl ? { rootUrl } : {}) }),
    folderId: opts.folderId,
    driveId: opts.driveId,
    request: { timeout: opts.timeoutMs ?? 30_000, signal: opts.signal, retry: false },
    policy: {
      maxRetries: opts.maxRetries ?? 4,
      baseBackoffMs: opts.baseBackoffMs ?? 1_000,
      clock: opts.clock,
      sleep: opts.sleep ?? realSleep,
      logger: opts.logger,
      signal: opts.signal,
    },
  };
}

/**
 * Google refuses a document past its size once part of it is written, and a write first deletes the
 * old content: checked before any call, so the document an earlier run wrote stays whole.
 */
function refuseOverLimit(key: string, doc: DocModel): void {
  const chars = docChars(doc);
  if (chars <= GOOGLE_DOCS_MAX_CHARS) return;
  throw new ExternalServiceError(
    `Google Docs document ${key} was not written: it is ${chars} characters, over Google Docs' limit of about ${GOOGLE_DOCS_MAX_CHARS} per document; `
    + 'the earlier content is kept. Shorten what the renderer puts in it (the digest and report renderers take a maxChars budget)',
    { service: 'google-docs', retryable: false },
  );
}

/**
 * Production DocWriter: one Google Doc per key in a Shared Drive folder, found again through the
 * `fleetopsKey` appProperty; a rerun replaces the content of the same document.
 */
export function createGoogleDocWriter(opts: GoogleDocWriterOptions): DocWriter {
  const api = createApiContext(opts);
  const bucket = createTokenBucket({ perMinute: opts.writesPerMinute ?? 50, clock: opts.clock, sleep: api.policy.sleep });
  const deps = { api, bucket, maxRequestsPerBatch: opts.maxRequestsPerBatch ?? 500 };

  async function locate(key: string, doc: DocModel): Promise<{ id: string; created: boolean }> {
    const found = await findByKey(api, key);
    if (found.length > 1) opts.logger.warn({ key, ids: found.map((f) => f.id) }, 'several documents carry one key; updating the oldest');
    const [first] = found;
    if (!first) return { id: await createInFolder(api, key, doc.title), created: true };
    if (first.name !== doc.title) await rename(api, first.id, key, doc.title);
    return { id: first.id, created: false };
  }

  return {
    async upsertDocument(key, doc) {
      refuseOverLimit(key, doc);
      const { id, created } = await locate(key, doc);
      const batches = await replaceContent(deps, id, `${key} (${id})`, doc);
      if (opts.shareWithGroup) await ensureGroupReader(api, id, key, opts.shareWithGroup);
      opts.logger.info({ key, id, created, batches }, 'google doc written');
      const url = documentUrl(id);
      // the document is written: without its heading ids, links open it at the top
      const anchors = await readHeadingLinks(api, id, `${key} (${id})`, doc, url).catch((err: unknown) => {
        opts.logger.warn({ key, id, err: err instanceof Error ? err.message : String(err) }, 'google doc heading ids not read; links open the document');
        return undefined;
      });
      return { id, url, created, ...(anchors ? { anchors } : {}) };
    },
  };
}
