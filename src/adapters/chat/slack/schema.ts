import { z } from 'zod';

/** Responses of the Slack Web API methods fleetops calls; unknown fields are ignored. */

export const SlackMessage = z.object({
  ts: z.string(),
  thread_ts: z.string().optional(),
  user: z.string().optional(),
  bot_id: z.string().optional(),
  app_id: z.string().optional(),
  subtype: z.string().optional(),
  text: z.string().optional(),
  edited: z.object({ user: z.string(), ts: z.string() }).optional(),
  reactions: z.array(z.object({ name: z.string(), users: z.array(z.string()).default([]), count: z.number() })).optional(),
  metadata: z.object({ event_type: z.string(), event_payload: z.record(z.string(), z.unknown()).default({}) }).optional(),
  reply_count: z.number().int().nonnegative().optional(),
  latest_reply: z.string().optional(),
  // a deleted file stays as `{ id, mode: 'tombstone' }`, without name or user
  files: z.array(z.object({ id: z.string(), name: z.string().optional(), title: z.string().optional(), user: z.string().optional() })).optional(),
});
export type SlackMessage = z.infer<typeof SlackMessage>;

const Paged = z.object({
  has_more: z.boolean().optional(),
  response_metadata: z.object({ next_cursor: z.string().optional() }).optional(),
});

export const MessagesPage = Paged.extend({ messages: z.array(SlackMessage).default([]) });
export type MessagesPage = z.infer<typeof MessagesPage>;

export const ChannelsPage = Paged.extend({ channels: z.array(z.object({ id: z.string(), name: z.string().optional() })).default([]) });
export type ChannelsPage = z.infer<typeof ChannelsPage>;

export const PostMessageResponse = z.object({ channel: z.string(), ts: z.string() });
export type PostMessageResponse = z.infer<typeof PostMessageResponse>;

export const PermalinkResponse = z.object({ permalink: z.string() });
export type PermalinkResponse = z.infer<typeof PermalinkResponse>;

export const AuthTestResponse = z.object({ user_id: z.string().optional(), bot_id: z.string().optional(), team_id: z.string().optional() });
export type AuthTestResponse = z.infer<typeof AuthTestResponse>;

export const UserInfoResponse = z.object({
  user: z.object({
    id: z.string(),
    team_id: z.string().optional(),
    is_bot: z.boolean().default(false),
    deleted: z.boolean().default(false),
    is_restricted: z.boolean().default(false),
    is_ultra_restricted: z.boolean().default(false),
    is_stranger: z.boolean().default(false),
  }),
});
export type UserInfoResponse = z.infer<typeof UserInfoResponse>;

export const UsergroupUsersResponse = z.object({ users: z.array(z.string()).default([]) });
export type UsergroupUsersResponse = z.infer<typeof UsergroupUsersResponse>;

export const UploadV2Response = z.object({
  files: z.array(z.object({ files: z.array(z.object({ id: z.string() })).min(1) })).min(1),
});
export type UploadV2Response = z.infer<typeof UploadV2Response>;
