import { createHash } from 'node:crypto';
import { withRetry, type ApiContext, type CallContext } from './google-call.js';
import { DriveFile, DriveFileList, PermissionList } from './schema.js';

export const KEY_PROPERTY = 'fleetopsKey';
export const GOOGLE_DOC_MIME_TYPE = 'application/vnd.google-apps.document';
/** Drive limits an appProperty's key plus value to 124 bytes (UTF-8). */
const MAX_PROPERTY_BYTES = 124;

/** The appProperty value for a fleetops key: the key itself, or its hash when too long for Drive. */
export function keyPropertyValue(key: string): string {
  if (Buffer.byteLength(KEY_PROPERTY + key, 'utf8') <= MAX_PROPERTY_BYTES) return key;
  return `sha256-${createHash('sha256').update(key).digest('hex')}`;
}

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function keyQuery(key: string): string {
  return `appProperties has { key=${quote(KEY_PROPERTY)} and value=${quote(keyPropertyValue(key))} } and trashed = false`;
}

function ctxFor(api: ApiContext, operation: string, document: string): CallContext {
  return { service: 'google-drive', operation, document, folderId: api.folderId };
}

/** Documents carrying the key, oldest first (more than one only after an earlier race). */
export async function findByKey(api: ApiContext, key: string): Promise<DriveFileList['files']> {
  const scope = api.driveId
    ? { corpora: 'drive', driveId: api.driveId }
    : { corpora: 'allDrives' };
  const res = await withRetry(ctxFor(api, 'drive.files.list', key), api.policy, () =>
    api.drive.files.list({
      q: keyQuery(key), ...scope, supportsAllDrives: true, includeItemsFromAllDrives: true,
      orderBy: 'createdTime', pageSize: 10, fields: 'files(id,name,createdTime)',
    }, api.request));
  return DriveFileList.parse(res.data).files;
}

/**
 * Creates an empty Google Doc directly in the Shared Drive folder with the key as appProperty, in one
 * call: a service account has no Drive quota of its own, and a separate move could leave a keyless
 * orphan. A retry after a failed attempt looks the key up first, since the file may exist already.
 */
export async function createInFolder(api: ApiContext, key: string, title: string): Promise<string> {
  let attempted = false;
  return withRetry(ctxFor(api, 'drive.files.create', key), api.policy, async () => {
    if (attempted) {
      const [found] = await findByKey(api, key);
      if (found) return found.id;
    }
    attempted = true;
    const res = await api.drive.files.create({
      supportsAllDrives: true, fields: 'id,name',
      requestBody: { name: title, mimeType: GOOGLE_DOC_MIME_TYPE, parents: [api.folderId], appProperties: { [KEY_PROPERTY]: keyPropertyValue(key) } },
    }, api.request);
    return DriveFile.parse(res.data).id;
  });
}

export async function rename(api: ApiContext, fileId: string, key: string, name: string): Promise<void> {
  await withRetry(ctxFor(api, 'drive.files.update', `${key} (${fileId})`), api.policy, () =>
    api.drive.files.update({ fileId, supportsAllDrives: true, fields: 'id', requestBody: { name } }, api.request));
}

/** Adds `group` as reader without a notification e-mail, unless it already has a permission. */
export async function ensureGroupReader(api: ApiContext, fileId: string, key: string, group: string): Promise<boolean> {
  const document = `${key} (${fileId})`;
  const res = await withRetry(ctxFor(api, 'drive.permissions.list', document), api.policy, () =>
    api.drive.permissions.list({ fileId, supportsAllDrives: true, fields: 'permissions(id,type,role,emailAddress)' }, api.request));
  const existing = PermissionList.parse(res.data).permissions;
  if (existing.some((p) => p.type === 'group' && p.emailAddress?.toLowerCase() === group.toLowerCase())) return false;
  await withRetry(ctxFor(api, 'drive.permissions.create', document), api.policy, () =>
    api.drive.permissions.create({
      fileId, supportsAllDrives: true, sendNotificationEmail: false, fields: 'id',
      requestBody: { type: 'group', role: 'reader', emailAddress: group },
    }, api.request));
  return true;
}
