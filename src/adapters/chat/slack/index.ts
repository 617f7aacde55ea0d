import { setTimeout as delay } from 'node:timers/promises';
import { WebClient, type FetchFunction } from '@slack/web-api';
import { z } from 'zod';
import type { Clock } from '../../../core/clock.js';
import { ExternalServiceError } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';
import type { PublicationRepo } from '../../store/types.js';
import { ThreadGoneError, type ChatChannel, type ChatUser } from '../types.js';
import { createChannelResolver } from './channel-resolver.js';
import { createPublishedIndex } from './find-published-message.js';
import { compareTs, mapSlackMessage } from './map-slack-message.js';
import { paginate } from './paginate.js';
import { AuthTestResponse, MessagesPage, UploadV2Response, UserInfoResponse, UsergroupUsersResponse, type SlackMessage } from './schema.js';
import { createSlackCaller, slackErrorCode, slackSdkLogger, type Sleep } from './slack-call.js';
import { upsertMessage } from './upsert-message.js';

export interface SlackChatOptions {
  /** Bot token (`xoxb-…`). */
  token: string;
  /** Web API base URL; default `https://slack.com/api/`. */
  apiUrl?: string;
  logger: Logger;
  clock: Clock;
  /** Where idempotency key → channel and ts is recorded; without it, reruns find messages by metadata. */
  publications?: PublicationRepo;
  /** Our workspace; users of another team are not full members. Default: from auth.test. */
  teamId?: string;
  /** How far back a top-level message is searched by metadata. Default 8 days. */
  searchWindowDays?: number;
  /** Retries on 429 (after Retry-After) and 5xx (backoff). Default 3. */
  maxRetries?: number;
  /** A Retry-After longer than this is not waited for: the call fails at once. Default 30 s, as other adapters. */
  retryMaxDelayMs?: number;
  sleep?: Sleep;
  /** Per-request timeout. Default 30 s. */
  timeoutMs?: number;
  /** The job deadline: aborts requests and waits. */
  signal?: AbortSignal;
  /** Page size asked of paginated methods. Default 200. */
  pageSize?: number;
}

/** Slackbot's user id in every workspace. */
const SLACKBOT = 'USLACKBOT';

const defaultSleep: Sleep = (ms, signal) => delay(ms, undefined, { signal });

function fetchWithSignal(signal?: AbortSignal): FetchFunction | undefined {
  if (!signal) return undefined;
  return (url, init) => fetch(url, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal });
}

/** ChatChannel on Slack's Web API: idempotent upserts by message metadata, paginated reads, own retries. */
export function createSlackChat(opts: SlackChatOptions): ChatChannel {
  const pageSize = opts.pageSize ?? 200;
  const client = new WebClient(opts.token, {
    slackApiUrl: opts.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true,
    timeout: opts.timeoutMs ?? 30_000, fetch: fetchWithSignal(opts.signal), logger: slackSdkLogger(opts.logger),
  });
  const caller = createSlackCaller({ client, logger: opts.logger, sleep: opts.sleep ?? defaultSleep, maxRetries: opts.maxRetries ?? 3, maxDelayMs: opts.retryMaxDelayMs ?? 30_000, signal: opts.signal });
  const resolveChannel = createChannelResolver(caller, pageSize);
  let identity: Promise<AuthTestResponse> | undefined;
  const whoAmI = () => (identity ??= caller.call('auth.test', {}, AuthTestResponse));
  const ourMessages = async () => {
    const me = await whoAmI();
    return (m: SlackMessage) => (me.bot_id ? m.bot_id === me.bot_id : !me.user_id || m.user === me.user_id);
  };
  const published = createPublishedIndex(caller, pageSize, ourMessages);
  // top-level messages as conversations.replies (a thread's parent) or a conversations.history range
  // returned them: reading that one message next (its reactions) needs no call; an edit through
  // upsertMessage drops it
  const parents = new Map<string, SlackMessage>();
  const readAll = async (method: string, args: Record<string, unknown>) => {
    const out: SlackMessage[] = [];
    for await (const page of paginate(caller, method, { ...args, include_all_metadata: true, limit: pageSize }, MessagesPage)) out.push(...page.messages);
    return out.sort((a, b) => compareTs(a.ts, b.ts));
  };

  return {
    async upsertMessage(msg) {
      const channel = await resolveChannel(msg.channel);
      const deps = { caller, logger: opts.logger, clock: opts.clock, publications: opts.publications, searchWindowDays: opts.searchWindowDays ?? 8, published };
      const result = await upsertMessage(deps, channel, msg);
      parents.delete(`${result.channel}/${result.ts}`);
      return result;
    },
    async listReplies(channel, threadTs) {
      const id = await resolveChannel(channel);
      const messages = await readAll('conversations.replies', { channel: id, ts: threadTs }).catch((err: unknown) => {
        const code = slackErrorCode(err);
        throw code === 'thread_not_found' || code === 'message_not_found' ? new ThreadGoneError((err as Error).message, channel, threadTs, { cause: err }) : err;
      });
      published.learn({ channel: id, threadTs }, messages);
      const parent = messages.find((m) => m.ts === threadTs);
      if (parent) parents.set(`${id}/${threadTs}`, parent);
      return messages.filter((m) => m.ts !== threadTs).map(mapSlackMessage);
    },
    async history(channel, range) {
      const id = await resolveChannel(channel);
      const parent = range.oldestTs === range.latestTs ? parents.get(`${id}/${range.oldestTs}`) : undefined;
      if (parent) return [mapSlackMessage(parent)];
      const args = { channel: id, oldest: range.oldestTs, latest: range.latestTs, inclusive: true };
      const messages = await readAll('conversations.history', args);
      for (const m of messages) if (!m.thread_ts || m.thread_ts === m.ts) parents.set(`${id}/${m.ts}`, m);
      return messages.map(mapSlackMessage);
    },
    async uploadFile(f) {
      const channel_id = await resolveChannel(f.channel);
      const file = Buffer.from(f.data);
      const args = f.threadTs ? { channel_id, thread_ts: f.threadTs, filename: f.filename, title: f.title, file } : { channel_id, filename: f.filename, title: f.title, file };
      // three calls, the last of which shares the file: run again after its answer was lost (5xx), it
      // would share a second copy. Only a 429 (refused, nothing done) is retried; the caller removes
      // a copy a failure left (see ChatChannel.uploadFile)
      const res = UploadV2Response.safeParse(await caller.run('files.uploadV2', () => client.files.uploadV2(args), { idempotent: false }));
      if (!res.success) throw new ExternalServiceError('files.uploadV2: unexpected response shape; check the Slack API URL', { service: 'slack', retryable: false }, { cause: res.error });
      return { fileId: res.data.files[0].files[0].id };
    },
    async deleteFile(fileId) {
      try {
        await caller.call('files.delete', { file: fileId }, z.object({}).passthrough());
      } catch (err) {
        if (slackErrorCode(err) !== 'file_not_found' && slackErrorCode(err) !== 'file_deleted') throw err;
      }
    },
    async getUser(userId): Promise<ChatUser> {
      const { user } = await caller.call('users.info', { user: userId }, UserInfoResponse);
      const teamId = opts.teamId ?? (await whoAmI()).team_id;
      const external = user.is_stranger || (teamId !== undefined && user.team_id !== teamId);
      const guest = user.is_restricted || user.is_ultra_restricted;
      // Slack's user object: "Slackbot is special, so is_bot will be false for it"
      const isBot = user.is_bot || user.id === SLACKBOT;
      return { id: user.id, isBot, deleted: user.deleted, isFullMember: !(external || guest || isBot || user.deleted) };
    },
    async listGroupMembers(groupId) {
      return (await caller.call('usergroups.users.list', { usergroup: groupId, include_disabled: false }, UsergroupUsersResponse)).users;
    },
    async selfUserId() {
      return (await whoAmI()).user_id;
    },
  };
}
