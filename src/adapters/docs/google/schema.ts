import { z } from 'zod';

/** Drive v3 files.list, with `fields: files(id,name,createdTime)`. */
export const DriveFileList = z.object({
  files: z.array(z.object({ id: z.string(), name: z.string().optional(), createdTime: z.string().optional() })).default([]),
  incompleteSearch: z.boolean().optional(),
});
export type DriveFileList = z.infer<typeof DriveFileList>;

/** Drive v3 files.create / files.update. */
export const DriveFile = z.object({ id: z.string(), name: z.string().optional() });
export type DriveFile = z.infer<typeof DriveFile>;

/** Drive v3 permissions.list, with `fields: permissions(id,type,role,emailAddress)`. */
export const PermissionList = z.object({
  permissions: z.array(z.object({
    id: z.string().optional(),
    type: z.string().optional(),
    role: z.string().optional(),
    emailAddress: z.string().optional(),
  })).default([]),
});
export type PermissionList = z.infer<typeof PermissionList>;

/** Docs v1 documents.get, reduced to what the writer needs: the end index of the body. */
export const DocsDocumentBody = z.object({
  documentId: z.string(),
  body: z.object({ content: z.array(z.object({ endIndex: z.number().int() }).loose()).min(1) }),
});
export type DocsDocumentBody = z.infer<typeof DocsDocumentBody>;

/** The JSON error body of Google APIs (Drive puts `reason` in `errors`, Docs in `details`). */
export const GoogleErrorBody = z.object({
  error: z.object({
    code: z.number().optional(),
    message: z.string().optional(),
    status: z.string().optional(),
    errors: z.array(z.object({ reason: z.string().optional() }).loose()).optional(),
    details: z.array(z.object({ reason: z.string().optional() }).loose()).optional(),
  }),
});
export type GoogleErrorBody = z.infer<typeof GoogleErrorBody>;

/** Docs v1 documents.get, with `fields: body(content(paragraph(paragraphStyle(headingId))))`: the body's heading ids in order. */
export const DocsHeadingIds = z.object({
  body: z.object({
    content: z.array(z.object({ paragraph: z.object({ paragraphStyle: z.object({ headingId: z.string().nullish() }).loose().nullish() }).loose().optional() }).loose()).default([]),
  }),
});
export type DocsHeadingIds = z.infer<typeof DocsHeadingIds>;
