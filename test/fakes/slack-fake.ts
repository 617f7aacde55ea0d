import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenLocal } from './listen-local.js';

/**
 * A local fake of the Slack Web API for driving the real @slack/web-api client. It keeps channels,
 * messages (with threads and metadata), users, user groups and files; enforces Slack's block limits
 * with Slack's own error codes; paginates with small pages; injects 429/5xx/platform errors and lost
 * answers (the call done, its answer a 5xx or a reset connection); records every call; and records
 * unknown methods in `unexpected` (assert it is empty after each test).
 */

export interface FakeUser {
  id: string; team_id?: string; name?: string; is_bot?: boolean; deleted?: boolean;
  is_restricted?: boolean; is_ultra_restricted?: boolean; is_stranger?: boolean;
}
export interface FakeMessage {
  ts: string; thread_ts?: string; user?: string; bot_id?: string; app_id?: string; subtype?: string; hidden?: boolean; text: string;
  blocks?: Record<string, unknown>[]; metadata?: { event_type: string; event_payload: Record<string, unknown> };
  edited?: { user: string; ts: string }; reactions?: { name: string; users: string[]; count: number }[];
  /** As Slack lists a file share: the file's id, name, title and uploader. */
  files?: { id: string; name?: string; title?: string; user?: string }[];
}
export interface FakeFile { id: string; filename: string; length: number; data?: Buffer; title?: string; channel?: string; threadTs?: string }
export interface SlackFakeCall { method: string; args: Record<string, unknown> }
export interface SlackFakeOptions { token?: string; pageSize?: number; nowSeconds?: number; teamId?: string }
type Answer = { status?: number; headers?: Record<string, string>; body: Record<string, unknown> | string; reset?: boolean };
type Args = Record<string, unknown>;

const BOT = { userId: 'UFLEETBOT', botId: 'BFLEETBOT', appId: 'AFLEETOPS' };
const JSON_FIELDS = ['blocks', 'metadata', 'files', 'attachments'];
const fail = (error: string, extra: Args = {}): Answer => ({ body: { ok: false, error, ...extra } });
const ok = (body: Args = {}): Answer => ({ body: { ok: true, ...body } });

/** Slack's block limits, reported as Slack reports them: `invalid_blocks` with json-pointer messages. */
export function validateBlocks(blocks: unknown): string[] {
  if (!Array.isArray(blocks)) return ['[ERROR] must be an array [json-pointer:/blocks]'];
  const errors: string[] = blocks.length > 50 ? ['[ERROR] no more than 50 items allowed [json-pointer:/blocks]'] : [];
  const text = (t: unknown, max: number, at: string, types = ['plain_text', 'mrkdwn']) => {
    const o = t as { type?: unknown; text?: unknown } | undefined;
    if (!o || !types.includes(String(o.type)) || typeof o.text !== 'string') errors.push(`[ERROR] invalid text object [json-pointer:${at}]`);
    else if (o.text.length === 0 || o.text.length > max) errors.push(`[ERROR] must be between 1 and ${max} characters [json-pointer:${at}/text]`);
  };
  const ids = new Set<string>();
  blocks.forEach((b: Record<string, unknown>, i) => {
    const at = `/blocks/${i}`;
    if (typeof b.block_id === 'string' && (b.block_id.length > 255 || ids.has(b.block_id))) errors.push(`[ERROR] invalid block_id [json-pointer:${at}/block_id]`);
    if (typeof b.block_id === 'string') ids.add(b.block_id);
    if (b.type === 'header') text(b.text, 150, `${at}/text`, ['plain_text']);
    else if (b.type === 'section') {
      if (b.text === undefined && b.fields === undefined) errors.push(`[ERROR] must provide text or fields [json-pointer:${at}]`);
      if (b.text !== undefined) text(b.text, 3000, `${at}/text`);
      if (b.fields !== undefined) {
        const f = b.fields as unknown[];
        if (!Array.isArray(f) || f.length === 0 || f.length > 10) errors.push(`[ERROR] must have 1 to 10 items [json-pointer:${at}/fields]`);
        else f.forEach((x, j) => text(x, 2000, `${at}/fields/${j}`));
      }
    } else if (b.type === 'context') {
      const el = b.elements as unknown[];
      if (!Array.isArray(el) || el.length === 0 || el.length > 10) errors.push(`[ERROR] must have 1 to 10 items [json-pointer:${at}/elements]`);
      else el.forEach((x, j) => text(x, 3000, `${at}/elements/${j}`));
    } else if (b.type !== 'divider') errors.push(`[ERROR] unsupported type: ${String(b.type)} [json-pointer:${at}/type]`);
  });
  return errors;
}

function page<T>(items: T[], args: Args, pageSize: number): { items: T[]; has_more: boolean; response_metadata: { next_cursor: string } } {
  const offset = args.cursor ? Number(Buffer.from(String(args.cursor), 'base64').toString().slice(2)) : 0;
  const size = Math.min(Number(args.limit) || 100, pageSize);
  const next = offset + size < items.length ? Buffer.from(`o:${offset + size}`).toString('base64') : '';
  return { items: items.slice(offset, offset + size), has_more: next !== '', response_metadata: { next_cursor: next } };
}

const tsNum = (ts: string) => Number(ts);
const byTs = (a: FakeMessage, b: FakeMessage) => tsNum(a.ts) - tsNum(b.ts);

export async function startSlackFake(opts: SlackFakeOptions = {}) {
  const token = opts.token ?? 'xoxb-test-token';
  const pageSize = opts.pageSize ?? 3;
  const teamId = opts.teamId ?? 'TFLEET';
  let seq = 0;
  const nextTs = () => `${opts.nowSeconds ?? 1_700_000_000}.${String(++seq).padStart(6, '0')}`;
  const channels = new Map<string, { id: string; name: string; messages: FakeMessage[] }>();
  // every workspace has Slackbot, and Slack answers is_bot false for it
  const users = new Map<string, FakeUser>([['USLACKBOT', { id: 'USLACKBOT', name: 'slackbot' }]]);
  const usergroups = new Map<string, string[]>();
  const files = new Map<string, FakeFile>();
  const calls: SlackFakeCall[] = [];
  const unexpected: string[] = [];
  const injected = new Map<string, { times: number; answer: Answer }[]>();
  const allowances = new Map<string, { left: number; retryAfterSeconds: number }>();
  const lost = new Map<string, { times: number; answer: Answer }>();
  let base = '';

  const channelOf = (c: unknown) => channels.get(String(c)) ?? [...channels.values()].find((x) => `#${x.name}` === c || x.name === c);
  const metaOf = (m: FakeMessage, args: Args) => (String(args.include_all_metadata) === 'true' ? m : { ...m, metadata: undefined });
  // a thread parent as Slack returns it: thread_ts, reply_count, reply_users_count, reply_users and
  // latest_reply, from its replies at the time of the call (edits and reactions change none of them)
  const asParent = (m: FakeMessage, all: readonly FakeMessage[]): FakeMessage | Args => {
    const replies = all.filter((r) => r.thread_ts === m.ts && r.ts !== m.ts).sort(byTs);
    if (replies.length === 0) return m;
    const users = [...new Set(replies.map((r) => r.user).filter((u): u is string => Boolean(u)))];
    return { ...m, thread_ts: m.ts, reply_count: replies.length, reply_users_count: users.length, reply_users: users.slice(0, 5), latest_reply: replies[replies.length - 1].ts, is_locked: false };
  };
  const checkContent = (args: Args): Answer | undefined => {
    if (args.blocks === undefined && !args.text) return fail('no_text');
    if (typeof args.text === 'string' && args.text.length > 40_000) return fail('msg_too_long');
    if (args.blocks === undefined) return undefined;
    const errors = validateBlocks(args.blocks);
    return errors.length ? fail('invalid_blocks', { response_metadata: { messages: errors } }) : undefined;
  };
  const withChannel = (args: Args, key: string, fn: (c: { id: string; messages: FakeMessage[] }) => Answer): Answer => {
    const c = channelOf(args[key]);
    return c ? fn(c) : fail('channel_not_found');
  };

  const methods: Record<string, (a: Args) => Answer> = {
    'auth.test': () => ok({ url: 'https://fleet.slack.com/', team: 'fleet', user: 'fleetops', team_id: teamId, user_id: BOT.userId, bot_id: BOT.botId }),
    'chat.postMessage': (a) => withChannel(a, 'channel', (c) => {
      const bad = checkContent(a);
      if (bad) return bad;
      if (a.thread_ts && !c.messages.some((m) => m.ts === a.thread_ts)) return fail('thread_not_found');
      const m: FakeMessage = { ts: nextTs(), user: BOT.userId, bot_id: BOT.botId, app_id: BOT.appId, text: String(a.text ?? ''),
        blocks: a.blocks as FakeMessage['blocks'], metadata: a.metadata as FakeMessage['metadata'], thread_ts: a.thread_ts as string | undefined };
      c.messages.push(m);
      return ok({ channel: c.id, ts: m.ts, message: m });
    }),
    'chat.update': (a) => withChannel(a, 'channel', (c) => {
      const m = c.messages.find((x) => x.ts === a.ts);
      if (!m) return fail('message_not_found');
      if (m.bot_id !== BOT.botId) return fail('cant_update_message');
      const bad = checkContent(a);
      if (bad) return bad;
      Object.assign(m, { text: String(a.text ?? ''), blocks: a.blocks, edited: { user: BOT.userId, ts: nextTs() } }, a.metadata ? { metadata: a.metadata } : {});
      return ok({ channel: c.id, ts: m.ts, text: m.text });
    }),
    'chat.getPermalink': (a) => withChannel(a, 'channel', (c) => (c.messages.some((m) => m.ts === a.message_ts)
      ? ok({ channel: c.id, permalink: `https://fleet.slack.com/archives/${c.id}/p${String(a.message_ts).replace('.', '')}` })
      : fail('message_not_found'))),
    'conversations.list': (a) => {
      const p = page([...channels.values()].map((c) => ({ id: c.id, name: c.name, is_channel: true })), a, pageSize);
      return ok({ channels: p.items, response_metadata: p.response_metadata });
    },
    'conversations.history': (a) => withChannel(a, 'channel', (c) => {
      const incl = String(a.inclusive) === 'true';
      const lo = a.oldest ? tsNum(String(a.oldest)) : -Infinity;
      const hi = a.latest ? tsNum(String(a.latest)) : Infinity;
      const inRange = (t: number) => (incl ? t >= lo && t <= hi : t > lo && t < hi);
      const top = c.messages.filter((m) => (!m.thread_ts || m.thread_ts === m.ts) && inRange(tsNum(m.ts))).sort(byTs).reverse();
      const p = page(top, a, pageSize);
      return ok({ messages: p.items.map((m) => asParent(metaOf(m, a), c.messages)), has_more: p.has_more, response_metadata: p.response_metadata });
    }),
    'conversations.replies': (a) => withChannel(a, 'channel', (c) => {
      const parent = c.messages.find((m) => m.ts === a.ts);
      if (!parent) return fail('thread_not_found');
      const thread = [parent, ...c.messages.filter((m) => m.thread_ts === parent.ts && m.ts !== parent.ts).sort(byTs)];
      const p = page(thread, a, pageSize);
      return ok({ messages: p.items.map((m) => (m === parent ? asParent(metaOf(m, a), c.messages) : metaOf(m, a))), has_more: p.has_more, response_metadata: p.response_metadata });
    }),
    'users.info': (a) => {
      const u = users.get(String(a.user));
      return u ? ok({ user: { team_id: teamId, is_bot: false, deleted: false, is_restricted: false, is_ultra_restricted: false, ...u } }) : fail('user_not_found');
    },
    'usergroups.users.list': (a) => {
      const members = usergroups.get(String(a.usergroup));
      return members ? ok({ users: members }) : fail('no_such_subteam');
    },
    'files.getUploadURLExternal': (a) => {
      if (!a.filename || !a.length) return fail('invalid_arguments');
      const id = `F${String(++seq).padStart(8, '0')}`;
      files.set(id, { id, filename: String(a.filename), length: Number(a.length) });
      return ok({ upload_url: `${base}/upload/v1/${id}`, file_id: id });
    },
    'files.delete': (a) => {
      const f = files.get(String(a.file));
      if (!f) return fail('file_not_found');
      files.delete(f.id);
      const c = f.channel ? channelOf(f.channel) : undefined;
      if (c) c.messages = c.messages.filter((m) => !(m.files as { id: string }[] | undefined)?.some((x) => x.id === f.id));
      return ok({});
    },
    'files.completeUploadExternal': (a) => {
      const list = a.files as { id: string; title?: string }[];
      if (!Array.isArray(list) || list.some((f) => !files.get(f.id)?.data)) return fail('file_not_found');
      const c = a.channel_id ? channelOf(a.channel_id) : undefined;
      if (a.channel_id && !c) return fail('channel_not_found');
      for (const f of list) Object.assign(files.get(f.id) as FakeFile, { title: f.title, channel: c?.id, threadTs: a.thread_ts });
      const shared = list.map((f) => ({ id: f.id, name: files.get(f.id)?.filename, title: f.title, user: BOT.userId }));
      c?.messages.push({ ts: nextTs(), user: BOT.userId, bot_id: BOT.botId, text: '', files: shared, thread_ts: a.thread_ts as string | undefined });
      return ok({ files: list.map((f) => ({ id: f.id, title: f.title, name: files.get(f.id)?.filename })) });
    },
  };

  async function parseArgs(req: IncomingMessage, raw: Buffer): Promise<Args> {
    const type = req.headers['content-type'] ?? '';
    if (type.startsWith('multipart/form-data')) {
      const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
      const out: Args = {};
      for (const [k, v] of form) out[k] = typeof v === 'string' ? v : Buffer.from(await v.arrayBuffer());
      return out;
    }
    const args: Args = type.includes('json') ? JSON.parse(raw.toString() || '{}') : Object.fromEntries(new URLSearchParams(raw.toString()));
    for (const k of JSON_FIELDS) if (typeof args[k] === 'string') args[k] = JSON.parse(args[k] as string);
    return args;
  }

  /** The answer, or the 5xx / reset a lost answer is replaced with: the call itself is done either way. */
  function route(method: string, args: Args, auth: string | undefined): Answer {
    const answer = answerOf(method, args, auth);
    const loss = lost.get(method);
    if (!loss || loss.times <= 0) return answer;
    loss.times -= 1;
    return loss.answer;
  }

  function answerOf(method: string, args: Args, auth: string | undefined): Answer {
    calls.push({ method, args });
    const allowance = allowances.get(method);
    if (allowance && allowance.left-- <= 0) {
      return { status: 429, headers: { 'retry-after': String(allowance.retryAfterSeconds) }, body: { ok: false, error: 'ratelimited' } };
    }
    const queue = injected.get(method);
    if (queue?.length) {
      const next = queue[0];
      if (--next.times <= 0) queue.shift();
      return next.answer;
    }
    if (!auth) return fail('not_authed');
    if (auth !== `Bearer ${token}`) return fail('invalid_auth');
    const upload = /^upload\/v1\/(F\w+)$/.exec(method);
    if (upload) {
      const f = files.get(upload[1]);
      const data = Object.values(args).find((v): v is Buffer => Buffer.isBuffer(v));
      if (!f || !data) return { status: 404, body: 'not found' };
      f.data = data;
      return { body: `OK - ${data.length}` };
    }
    const handler = methods[method];
    if (!handler) {
      unexpected.push(method);
      return { status: 404, body: { ok: false, error: 'unknown_method' } };
    }
    return handler(args);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://x');
    const method = url.pathname.replace(/^\/(api\/)?/, '');
    const isMethod = req.method === 'POST' && (url.pathname.startsWith('/api/') || url.pathname.startsWith('/upload/'));
    const answer: Answer = isMethod ? route(method, await parseArgs(req, Buffer.concat(chunks)), req.headers.authorization)
      : (unexpected.push(`${req.method} ${url.pathname}`), { status: 404, body: 'unexpected request' });
    if (answer.reset) return void req.socket.destroy();
    const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    const type = typeof answer.body === 'string' ? 'text/plain' : 'application/json; charset=utf-8';
    res.writeHead(answer.status ?? 200, { 'content-type': type, ...answer.headers }).end(body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => { unexpected.push(`fake error: ${err.message}`); res.writeHead(500).end(); });
  });
  base = `http://127.0.0.1:${await listenLocal(server)}`;

  const inject = (method: string, times: number, answer: Answer) => {
    injected.set(method, [...(injected.get(method) ?? []), { times, answer }]);
  };
  return {
    apiUrl: `${base}/api/`,
    token,
    teamId,
    bot: BOT,
    calls,
    unexpected,
    files,
    callsOf: (method: string) => calls.filter((c) => c.method === method).map((c) => c.args),
    addChannel(name: string, id = `C${String(channels.size + 1).padStart(8, '0')}`): string {
      channels.set(id, { id, name, messages: [] });
      return id;
    },
    addUser: (u: FakeUser) => void users.set(u.id, u),
    addUsergroup: (id: string, members: string[]) => void usergroups.set(id, members),
    /** Put a message as someone else would have posted it; returns its ts. */
    seed(channelId: string, m: Omit<FakeMessage, 'ts'> & { ts?: string }): string {
      const msg = { ...m, ts: m.ts ?? nextTs() };
      channels.get(channelId)?.messages.push(msg);
      return msg.ts;
    },
    /**
     * Delete a message as its author would (chat.delete): gone from history and replies, and from its
     * thread's reply_count. A thread parent with replies stays as Slack leaves it: a `tombstone` by
     * USLACKBOT ("This message was deleted."), its replies kept.
     */
    remove(channelId: string, ts: string): void {
      const c = channels.get(channelId);
      if (!c) return;
      const i = c.messages.findIndex((m) => m.ts === ts);
      if (i < 0) return;
      if (c.messages.some((r) => r.thread_ts === ts && r.ts !== ts)) {
        c.messages[i] = { ts, thread_ts: ts, user: 'USLACKBOT', subtype: 'tombstone', hidden: true, text: 'This message was deleted.' };
      } else c.messages.splice(i, 1);
    },
    messages: (channelId: string): FakeMessage[] => [...(channels.get(channelId)?.messages ?? [])].sort(byTs),
    rateLimit: (method: string, times: number, retryAfterSeconds: number) =>
      inject(method, times, { status: 429, headers: { 'retry-after': String(retryAfterSeconds) }, body: { ok: false, error: 'ratelimited' } }),
    /** From now on `allowed` calls of `method` pass, then every one is refused with 429 until called again (`Infinity` lifts it). */
    rateLimitAfter: (method: string, allowed: number, retryAfterSeconds: number) => void allowances.set(method, { left: allowed, retryAfterSeconds }),
    failHttp: (method: string, times: number, status = 503) => inject(method, times, { status, body: 'service unavailable' }),
    failWith: (method: string, error: string, times = 1) => inject(method, times, fail(error)),
    /** The next `times` calls of `method` are done, but their answer is lost: a `status` (5xx) or a reset connection. */
    loseAnswer: (method: string, times = 1, status: number | 'reset' = 503) =>
      void lost.set(method, { times, answer: status === 'reset' ? { body: '', reset: true } : { status, body: 'upstream request timeout' } }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type SlackFake = Awaited<ReturnType<typeof startSlackFake>>;
