import type { ChatFile, ChatMessage } from '../types.js';
import type { SlackMessage } from './schema.js';

/** Slack's wire message → the port's ChatMessage (text fields stay untrusted data). */
export function mapSlackMessage(m: SlackMessage): ChatMessage {
  const out: ChatMessage = { ts: m.ts, text: m.text ?? '' };
  if (m.thread_ts) out.threadTs = m.thread_ts;
  if (m.user) out.user = m.user;
  if (m.bot_id) out.botId = m.bot_id;
  if (m.app_id) out.appId = m.app_id;
  if (m.subtype) out.subtype = m.subtype;
  if (m.edited) out.edited = { user: m.edited.user, ts: m.edited.ts };
  if (m.reactions) out.reactions = m.reactions.map((r) => ({ name: r.name, users: r.users, count: r.count }));
  if (m.metadata) out.metadata = { eventType: m.metadata.event_type, payload: m.metadata.event_payload };
  if (m.reply_count !== undefined) out.replyCount = m.reply_count;
  if (m.latest_reply) out.latestReplyTs = m.latest_reply;
  if (m.files) out.files = m.files.map(mapSlackFile);
  return out;
}

function mapSlackFile(f: NonNullable<SlackMessage['files']>[number]): ChatFile {
  const out: ChatFile = { fileId: f.id };
  if (f.name !== undefined) out.filename = f.name;
  if (f.title !== undefined) out.title = f.title;
  if (f.user) out.user = f.user;
  return out;
}

/** Order of Slack timestamps (`seconds.micros`), compared numerically part by part. */
export function compareTs(a: string, b: string): number {
  const [as, af = '0'] = a.split('.');
  const [bs, bf = '0'] = b.split('.');
  return Number(as) - Number(bs) || Number(af.padEnd(6, '0')) - Number(bf.padEnd(6, '0'));
}
