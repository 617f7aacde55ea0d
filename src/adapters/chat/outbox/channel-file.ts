import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync, rmSync, statSync } from 'node:fs';
import { writeFileAtomic } from '../../../core/atomic-write.js';
import type { OutboxMessage } from './index.js';

/**
 * Below this size (characters; about 40 digest replies) the snapshot is rewritten on every change, as
 * the outbox always did, so small channels are always current on disk; the cost is bounded by it.
 */
export const ALWAYS_REWRITE_CHARS = 128 * 1024;

type Change = { put: OutboxMessage } | { del: string[] };

/**
 * One channel on disk: `<name>.json`, its messages as a JSON array (written atomically), and, once
 * that is large, `<name>.jsonl`: the changes made since that snapshot, one line each after a header
 * naming the snapshot's sha256. Every change is in one of the two files before the call returns, so
 * a crash loses nothing reported as posted; the snapshot is rewritten when the log has grown as large
 * as it, so N posts cost O(N) bytes, not O(N²). The files are re-read only when another writer
 * changed them (size, inode or mtime). A log whose snapshot was since replaced (a rewrite by hand or a
 * crash after the rewrite) is already in it or overruled, and is dropped; a torn last line (a crash
 * mid-append) was never reported as posted, and is dropped.
 */
export interface ChannelFile {
  /** Messages in posting order (the cached objects: do not mutate). */
  messages(): readonly OutboxMessage[];
  byKey(idempotencyKey: string): OutboxMessage | undefined;
  /** Highest ts in the channel, '0' when empty. */
  lastTs(): string;
  /** Adds the message, or replaces the one with its ts. Durable on return. */
  put(msg: OutboxMessage): void;
  remove(ts: readonly string[]): void;
  /** Changes logged that the snapshot does not hold yet. */
  pending(): boolean;
  /** Writes the snapshot with every change and drops the log. */
  compact(): void;
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const stamp = (path: string) => {
  const s = statSync(path, { bigint: true, throwIfNoEntry: false });
  return s ? `${s.ino}:${s.size}:${s.mtimeNs}` : '-';
};
const readIfThere = (path: string) => {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
};

export function openChannelFile(path: string): ChannelFile {
  const logPath = `${path}l`;
  let msgs: OutboxMessage[] = [];
  let at = new Map<string, number>();
  let keys = new Map<string, OutboxMessage>();
  let last = '0';
  let base = '';
  let snapshotChars = 0;
  let loggedChars = 0;
  let seen = '';

  const index = () => {
    at = new Map(msgs.map((m, i) => [m.ts, i]));
    keys = new Map();
    for (const m of msgs) indexKey(m);
    last = msgs.reduce((max, m) => (m.ts > max ? m.ts : max), '0');
  };
  const indexKey = (m: OutboxMessage) => {
    const key = m.metadata?.payload.idempotency_key;
    if (typeof key === 'string') keys.set(key, m);
  };
  const apply = (c: Change) => {
    if ('del' in c) {
      const gone = new Set(c.del);
      msgs = msgs.filter((m) => !gone.has(m.ts));
      return index();
    }
    const i = at.get(c.put.ts);
    if (i === undefined) at.set(c.put.ts, msgs.push(c.put) - 1);
    else msgs[i] = c.put;
    indexKey(c.put);
    if (c.put.ts > last) last = c.put.ts;
  };
  const filesStamp = () => `${stamp(path)}|${stamp(logPath)}`;

  const load = () => {
    const text = readIfThere(path);
    msgs = text === undefined ? [] : parseSnapshot(path, text);
    base = text === undefined ? '' : sha(text);
    snapshotChars = text?.length ?? 0;
    index();
    loggedChars = 0;
    const log = readIfThere(logPath);
    const state = log === undefined ? 'none' : replay(log);
    if (state === 'stale') rmSync(logPath, { force: true });
    // appending after a torn line would glue the next change to it
    if (state === 'torn') compact();
    seen = filesStamp();
  };
  /** Applies the log if it belongs to the snapshot just read. */
  const replay = (log: string): 'ok' | 'stale' | 'torn' => {
    const lines = log.split('\n');
    const header = safeParse(lines[0]) as { base?: unknown } | undefined;
    if (lines.length < 2 || header?.base !== base) return 'stale';
    for (let i = 1; i < lines.length - 1; i++) {
      const change = safeParse(lines[i]);
      if (!isChange(change)) throw new Error(`${logPath} line ${i + 1}: not a change the outbox wrote; move the file away to keep only ${path}`);
      apply(change);
    }
    loggedChars = log.length;
    return lines[lines.length - 1] === '' ? 'ok' : 'torn';
  };

  const fresh = () => {
    if (seen !== filesStamp()) load();
  };
  const compact = () => {
    const text = JSON.stringify(msgs, null, 1);
    writeFileAtomic(path, text);
    rmSync(logPath, { force: true });
    base = sha(text);
    snapshotChars = text.length;
    loggedChars = 0;
  };
  /** Applied in memory first; a failed write makes the next call re-read what the disk holds. */
  const persist = (c: Change) => {
    try {
      if (loggedChars === 0 && snapshotChars < ALWAYS_REWRITE_CHARS) compact();
      else {
        const line = `${loggedChars === 0 ? `${JSON.stringify({ base })}\n` : ''}${JSON.stringify(c)}\n`;
        appendFileSync(logPath, line);
        loggedChars += line.length;
        if (loggedChars >= snapshotChars) compact();
      }
      seen = filesStamp();
    } catch (err) {
      seen = '';
      throw err;
    }
  };
  const change = (c: Change) => {
    apply(c);
    persist(c);
  };

  return {
    messages() {
      fresh();
      return msgs;
    },
    byKey(key) {
      fresh();
      return keys.get(key);
    },
    lastTs() {
      fresh();
      return last;
    },
    put(msg) {
      fresh();
      change({ put: msg });
    },
    remove(ts) {
      fresh();
      if (ts.some((t) => at.has(t))) change({ del: [...ts] });
    },
    pending: () => loggedChars > 0,
    compact() {
      fresh();
      if (loggedChars === 0) return;
      compact();
      seen = filesStamp();
    },
  };
}

function parseSnapshot(path: string, text: string): OutboxMessage[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message}); fix the file or move it away`, { cause: err });
  }
  if (!Array.isArray(parsed)) throw new Error(`${path}: expected a JSON array of messages, found ${typeof parsed}; fix the file or move it away`);
  return parsed as OutboxMessage[];
}

function isChange(c: unknown): c is Change {
  if (typeof c !== 'object' || c === null) return false;
  return ('put' in c && typeof (c.put as OutboxMessage | null)?.ts === 'string') || ('del' in c && Array.isArray(c.del));
}

function safeParse(line: string | undefined): unknown {
  try {
    return line ? JSON.parse(line) : undefined;
  } catch {
    return undefined;
  }
}
