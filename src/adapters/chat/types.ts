import { ExternalServiceError } from '../../core/errors.js';

/** A file a message carries (Slack's file share). Only the id is left of a deleted file. */
export interface ChatFile {
  fileId: string;
  filename?: string;
  title?: string;
  /** Who uploaded it: compare with `selfUserId()` before deleting one. */
  user?: string;
}

/** A chat message as posted or read back. Text fields are untrusted data. */
export interface ChatMessage {
  ts: string;
  threadTs?: string;
  user?: string;
  botId?: string;
  appId?: string;
  subtype?: string;
  /** Present when the message was edited. */
  edited?: { user: string; ts: string };
  text: string;
  reactions?: { name: string; users: string[]; count: number }[];
  metadata?: { eventType: string; payload: Record<string, unknown> };
  /**
   * On a thread parent as `history` returns it: its number of replies and the ts of the latest
   * (Slack's `reply_count`, `latest_reply`). Absent on a message without replies. Edits and
   * reactions change neither.
   */
  replyCount?: number;
  latestReplyTs?: string;
  /** Files shared with the message (an uploaded chart). */
  files?: ChatFile[];
}

export interface ChatBlockMessage {
  channel: string;
  /** Fallback text (notifications, accessibility). */
  text: string;
  /** Slack Block Kit blocks, already within Slack's limits. */
  blocks: Record<string, unknown>[];
  threadTs?: string;
  /** Idempotency key carried in message metadata so a rerun finds and edits the message. */
  idempotencyKey: string;
}

export interface ChatUser {
  id: string;
  isBot: boolean;
  deleted: boolean;
  /** Guests (restricted / ultra-restricted) and users of another organisation are not full members. */
  isFullMember: boolean;
}

/** Where people read findings and answer proposals (Slack, or the file outbox). */
export interface ChatChannel {
  /** Post, or edit the message that carries the same idempotency key (found by metadata). Returns its ts. */
  upsertMessage(msg: ChatBlockMessage): Promise<{ channel: string; ts: string; permalink?: string; created: boolean }>;
  /**
   * Replies of a thread, oldest first, paginated to the end. Throws ThreadGoneError when the thread
   * does not exist (its parent deleted without replies, or never posted); a deleted parent with
   * replies is a tombstone, and its replies are returned.
   */
  listReplies(channel: string, threadTs: string): Promise<ChatMessage[]>;
  /** Messages of a channel in [oldestTs, latestTs], paginated; thread parents carry `replyCount` and `latestReplyTs`. */
  history(channel: string, range: { oldestTs: string; latestTs: string }): Promise<ChatMessage[]>;
  /**
   * Upload a file (e.g. a chart PNG) into a channel or thread. Not idempotent: a failure may still
   * have shared the file, so a caller that uploads again removes its earlier copies (found by
   * `listReplies` and their `files`).
   */
  uploadFile(file: { channel: string; threadTs?: string; filename: string; title: string; data: Uint8Array }): Promise<{ fileId: string }>;
  /** Delete a file this app uploaded (a chart a rerun replaced); one already gone is not an error. */
  deleteFile(fileId: string): Promise<void>;
  /** Who a user is (bot, guest, deleted). */
  getUser(userId: string): Promise<ChatUser>;
  /** Members of a user group (approvers). */
  listGroupMembers(groupId: string): Promise<string[]>;
  /** fleetops' own user id in the workspace (a reply may address it by mention); undefined where unknown. */
  selfUserId(): Promise<string | undefined>;
}

/**
 * A thread that does not exist (Slack's thread_not_found): its parent was deleted with no reply under
 * it, or never posted. Reading it again will not help. An ExternalServiceError with Slack's status 200,
 * so callers that treat a Slack refusal as final keep doing so.
 */
export class ThreadGoneError extends ExternalServiceError {
  constructor(message: string, readonly channel: string, readonly threadTs: string, options?: { cause?: unknown; service?: string }) {
    super(message, { service: options?.service ?? 'slack', status: 200, retryable: false }, options);
  }
}
