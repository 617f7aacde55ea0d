import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../core/atomic-write.js';
import type { Clock } from '../../../core/clock.js';
import type { ChatChannel, ChatMessage, ChatUser } from '../types.js';
import { renderOutboxHtml } from './render-outbox-html.js';

export interface OutboxMessage extends ChatMessage {
  channel: string;
  blocks?: Record<string, unknown>[];
  files?: { fileId: string; filename: string; title: string }[];
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

/**
 * Embedded ChatChannel: a file per channel holding messages as Slack would store them, plus an HTML
 * preview. Idempotency keys live in message metadata, exactly as with Slack, so reruns edit.
 */
export function createOutboxChat(opts: OutboxOptions): ChatChannel & { readAll(channel: string): OutboxMessage[]; appendReply(channel: string, reply: Omit<ChatMessage, 'ts'> & { threadTs: string }): string } {
  let seq = 0;
  const file = (channel: string) => join(opts.dir, `${channel.replace(/[^a-zA-Z0-9_-]+/g, '')}.json`);
  const read = (channel: string): OutboxMessage[] => (existsSync(file(channel)) ? JSON.parse(readFileSync(file(channel), 'utf8')) : []);
  const write = (channel: string, msgs: OutboxMessage[]) => {
    writeFileAtomic(file(channel), JSON.stringify(msgs, null, 1));
    writeFileAtomic(join(opts.dir, 'index.html'), renderOutboxHtml(allChannels()));
  };
  const allChannels = () => readdirSync(opts.dir).filter((f) => f.endsWith('.json') && f !== 'directory.json')
    .map((f) => ({ channel: f.slice(0, -5), messages: JSON.parse(readFileSync(join(opts.dir, f), 'utf8')) as OutboxMessage[] }));
  const nextTs = (msgs: OutboxMessage[]) => {
    const last = msgs.reduce((m, x) => (x.ts > m ? x.ts : m), '0');
    const base = `${Math.floor(opts.clock.nowMs() / 1000)}.${String(++seq).padStart(6, '0')}`;
    return base > last ? base : `${last.split('.')[0]}.${String(Number(last.split('.')[1]) + 1).padStart(6, '0')}`;
  };
  // the workspace directory for local trials: `<dir>/directory.json` = { users: ChatUser[], groups: { id: [userIds] } }
  const directory = (): { users: ChatUser[]; groups: Record<string, string[]> } => {
    const path = join(opts.dir, 'directory.json');
    if (!existsSync(path)) return { users: [], groups: {} };
    const d = JSON.parse(readFileSync(path, 'utf8')) as { users?: ChatUser[]; groups?: Record<string, string[]> };
    return { users: d.users ?? [], groups: d.groups ?? {} };
  };
  const byTs = (a: ChatMessage, b: ChatMessage) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0);

  return {
    readAll: read,
    appendReply(channel, reply) {
      const msgs = read(channel);
      const ts = nextTs(msgs);
      msgs.push({ ...reply, ts, channel });
      write(channel, msgs);
      return ts;
    },
    async upsertMessage(msg) {
      const msgs = read(msg.channel);
      const existing = msgs.find((m) => m.metadata?.payload.idempotency_key === msg.idempotencyKey);
      if (existing) {
        Object.assign(existing, { text: msg.text, blocks: msg.blocks });
        write(msg.channel, msgs);
        return { channel: msg.channel, ts: existing.ts, created: false };
      }
      const ts = nextTs(msgs);
      msgs.push({
        channel: msg.channel, ts, threadTs: msg.threadTs, user: opts.botUserId ?? 'UFLEETOPS', botId: 'BFLEETOPS', text: msg.text, blocks: msg.blocks,
        metadata: { eventType: 'fleetops_publication', payload: { idempotency_key: msg.idempotencyKey } },
      });
      write(msg.channel, msgs);
      return { channel: msg.channel, ts, created: true };
    },
    async listReplies(channel, threadTs) {
      return read(channel).filter((m) => m.threadTs === threadTs && m.ts !== threadTs).sort(byTs);
    },
    async history(channel, range) {
      return read(channel).filter((m) => m.ts >= range.oldestTs && m.ts <= range.latestTs).sort(byTs);
    },
    async uploadFile(f) {
      const msgs = read(f.channel);
      const fileId = `F${nextTs(msgs).replace('.', '')}`;
      writeFileAtomic(join(opts.dir, 'files', `${fileId}-${f.filename.replace(/[^a-zA-Z0-9._-]+/g, '_')}`), f.data);
      msgs.push({ channel: f.channel, ts: nextTs(msgs), threadTs: f.threadTs, botId: 'BFLEETOPS', text: f.title, files: [{ fileId, filename: f.filename, title: f.title }] });
      write(f.channel, msgs);
      return { fileId };
    },
    /** Removes the file and the message that carried it, as Slack shows a deleted file: gone from the thread. */
    async deleteFile(fileId) {
      for (const { channel, messages } of allChannels()) {
        const kept = messages.filter((m) => !m.files?.some((f) => f.fileId === fileId));
        if (kept.length < messages.length) write(channel, kept);
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
      return opts.botUserId ?? 'UFLEETOPS';
    },
  };
}
