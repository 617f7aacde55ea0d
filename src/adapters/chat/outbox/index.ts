import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../core/atomic-write.js';
import type { Clock } from '../../../core/clock.js';
import { ThreadGoneError, type ChatChannel, type ChatMessage, type ChatUser } from '../types.js';
import { openChannelFile, type ChannelFile } from './channel-file.js';
import { renderOutboxHtml } from './render-outbox-html.js';

export interface OutboxMessage extends ChatMessage {
  channel: string;
  blocks?: Record<string, unknown>[];
}

export interface OutboxOptions {
  /** Folder for `<channel>.json`, uploaded files and `index.html`, e.g. `out/slack`. */
  dir: string;
  clock: Clock;
  /** Known users; anyone else is treated as not a full member (never counts as an approver). */
  users?: ChatUser[];
  groups?: Record<string, string[]>;
  botUserId?: string;
}

/** Per thread parent ts: how many replies it has and the latest one's ts. */
function replyStats(messages: readonly ChatMessage[]): Map<string, { count: number; latestTs: string }> {
  const out = new Map<string, { count: number; latestTs: string }>();
  for (const m of messages) {
    if (!m.threadTs || m.threadTs === m.ts) continue;
    const t = out.get(m.threadTs);
    if (!t) out.set(m.threadTs, { count: 1, latestTs: m.ts });
    else {
      t.count += 1;
      if (m.ts > t.latestTs) t.latestTs = m.ts;
    }
  }
  return out;
}

/**
 * Embedded ChatChannel: a file per channel holding messages as Slack would store them, plus an HTML
 * preview. Idempotency keys live in message metadata, exactly as with Slack, so reruns edit. Each
 * channel is read once and kept (re-read only when another writer changed it); every change is on
 * disk before the call returns (see ChannelFile), and a large channel's snapshot and the preview are
 * brought up to date right after the calls in progress, or by `flush()`.
 */
export function createOutboxChat(opts: OutboxOptions): ChatChannel & {
  readAll(channel: string): OutboxMessage[];
  appendReply(channel: string, reply: Omit<ChatMessage, 'ts'> & { threadTs: string }): string;
  /** Writes every channel's snapshot and the preview now. */
  flush(): void;
} {
  let seq = 0;
  const file = (channel: string) => join(opts.dir, `${channel.replace(/[^a-zA-Z0-9_-]+/g, '')}.json`);
  const open = new Map<string, ChannelFile>();
  const channelFile = (channel: string) => {
    const path = file(channel);
    let c = open.get(path);
    if (!c) open.set(path, (c = openChannelFile(path)));
    return c;
  };
  const allChannels = () => (existsSync(opts.dir) ? readdirSync(opts.dir) : []).filter((f) => f.endsWith('.json') && f !== 'directory.json')
    .map((f) => ({ channel: f.slice(0, -5), messages: [...channelFile(f.slice(0, -5)).messages()] }));
  const renderPreview = () => writeFileAtomic(join(opts.dir, 'index.html'), renderOutboxHtml(allChannels()));
  let later: NodeJS.Immediate | undefined;
  const flush = () => {
    for (const c of open.values()) c.compact();
    renderPreview();
  };
  /** The preview follows the snapshots: now for a small channel, after the calls in progress for a large one. */
  const changed = (c: ChannelFile) => {
    if (!c.pending()) return renderPreview();
    // the log already holds every change: a failed flush is retried by the next change or flush
    later ??= setImmediate(() => {
      later = undefined;
      try {
        flush();
      } catch {
        // kept in the log; see above
      }
    });
  };
  const nextTs = (c: ChannelFile) => {
    const last = c.lastTs();
    const base = `${Math.floor(opts.clock.nowMs() / 1000)}.${String(++seq).padStart(6, '0')}`;
    return base > last ? base : `${last.split('.')[0]}.${String(Number(last.split('.')[1]) + 1).padStart(6, '0')}`;
  };
  const put = (channel: string, msg: OutboxMessage) => {
    const c = channelFile(channel);
    c.put(msg);
    changed(c);
  };
  // the workspace directory for local trials: `<dir>/directory.json` = { users: ChatUser[], groups: { id: [userIds] } }
  const directory = (): { users: ChatUser[]; groups: Record<string, string[]> } => {
    const path = join(opts.dir, 'directory.json');
    if (!existsSync(path)) return { users: [], groups: {} };
    const d = JSON.parse(readFileSync(path, 'utf8')) as { users?: ChatUser[]; groups?: Record<string, string[]> };
    return { users: d.users ?? [], groups: d.groups ?? {} };
  };
  const self = opts.botUserId ?? 'UFLEETOPS';
  // files name their uploader, as Slack's do; an upload written before messages carried `user` is fleetops' own
  const withUploader = (m: OutboxMessage): OutboxMessage => (m.files
    ? { ...m, files: m.files.map((f) => ({ ...f, user: f.user ?? m.user ?? (m.botId === 'BFLEETOPS' ? self : undefined) })) }
    : m);
  const byTs = (a: ChatMessage, b: ChatMessage) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0);
  // callers get copies: the kept messages change only through a ChannelFile
  const copies = (channel: string, keep: (m: OutboxMessage) => boolean) => structuredClone(channelFile(channel).messages().filter(keep));

  return {
    readAll: (channel) => copies(channel, () => true),
    flush,
    appendReply(channel, reply) {
      const ts = nextTs(channelFile(channel));
      put(channel, { ...reply, ts, channel });
      return ts;
    },
    async upsertMessage(msg) {
      const existing = channelFile(msg.channel).byKey(msg.idempotencyKey);
      if (existing) {
        put(msg.channel, { ...existing, text: msg.text, blocks: msg.blocks });
        return { channel: msg.channel, ts: existing.ts, created: false };
      }
      const ts = nextTs(channelFile(msg.channel));
      put(msg.channel, {
        channel: msg.channel, ts, threadTs: msg.threadTs, user: self, botId: 'BFLEETOPS', text: msg.text, blocks: msg.blocks,
        metadata: { eventType: 'fleetops_publication', payload: { idempotency_key: msg.idempotencyKey } },
      });
      return { channel: msg.channel, ts, created: true };
    },
    /** As Slack: a thread whose parent is gone keeps its replies; one with neither is gone. */
    async listReplies(channel, threadTs) {
      const replies = copies(channel, (m) => m.threadTs === threadTs && m.ts !== threadTs).sort(byTs);
      if (replies.length === 0 && !channelFile(channel).messages().some((m) => m.ts === threadTs)) {
        throw new ThreadGoneError(`outbox ${channel}: thread ${threadTs} not found (its message was deleted, or never posted)`, channel, threadTs, { service: 'outbox' });
      }
      return replies.map(withUploader);
    },
    /** Thread parents carry their reply count and latest reply, as Slack's history returns them. */
    async history(channel, range) {
      const threads = replyStats(channelFile(channel).messages());
      return copies(channel, (m) => m.ts >= range.oldestTs && m.ts <= range.latestTs).sort(byTs).map((m) => {
        const t = !m.threadTs || m.threadTs === m.ts ? threads.get(m.ts) : undefined;
        return withUploader(t ? { ...m, replyCount: t.count, latestReplyTs: t.latestTs } : m);
      });
    },
    async uploadFile(f) {
      const c = channelFile(f.channel);
      const fileId = `F${nextTs(c).replace('.', '')}`;
      writeFileAtomic(join(opts.dir, 'files', `${fileId}-${f.filename.replace(/[^a-zA-Z0-9._-]+/g, '_')}`), f.data);
      put(f.channel, { channel: f.channel, ts: nextTs(c), threadTs: f.threadTs, user: self, botId: 'BFLEETOPS', text: f.title, files: [{ fileId, filename: f.filename, title: f.title }] });
      return { fileId };
    },
    /** Removes the file and the message that carried it, as Slack shows a deleted file: gone from the thread. */
    async deleteFile(fileId) {
      for (const { channel, messages } of allChannels()) {
        const gone = messages.filter((m) => m.files?.some((f) => f.fileId === fileId)).map((m) => m.ts);
        if (gone.length === 0) continue;
        const c = channelFile(channel);
        c.remove(gone);
        changed(c);
      }
      const files = join(opts.dir, 'files');
      if (!existsSync(files)) return;
      for (const name of readdirSync(files).filter((n) => n.startsWith(`${fileId}-`))) rmSync(join(files, name), { force: true });
    },
    async getUser(userId) {
      return [...(opts.users ?? []), ...directory().users].find((u) => u.id === userId) ?? { id: userId, isBot: false, deleted: false, isFullMember: false };
    },
    /** An unknown group has no members: nobody can approve until people are listed (fail safe). */
    async listGroupMembers(groupId) {
      return opts.groups?.[groupId] ?? directory().groups[groupId] ?? [];
    },
    async selfUserId() {
      return self;
    },
  };
}
