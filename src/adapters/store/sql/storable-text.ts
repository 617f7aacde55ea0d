import { FleetopsError } from '../../../core/errors.js';

/*
 * Text neither backend stores as given: PostgreSQL refuses NUL in text and JSON and an unpaired UTF-16
 * surrogate in JSON, both drivers turn an unpaired surrogate in a text column into U+FFFD, and SQLite
 * keeps NUL and JSON escapes as they are. So data text (excerpts, details, reasons: from logs, events
 * and Slack) is stored with each of these as U+FFFD on both backends, and ids, keys and names are
 * refused (field-checks.ts): a replaced character would make them another row's id.
 */
/* eslint-disable no-control-regex -- NUL and control characters are what these match */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_ALL = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const UNPRINTABLE_ALL = /[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/* eslint-enable no-control-regex */
/** How JSON.stringify writes NUL and an unpaired surrogate (a pair it writes as it is). */
const UNSTORABLE_ESCAPE = /\\u(?:0000|d[89a-f])/;

function hex4(char: string): string {
  return char.charCodeAt(0).toString(16).padStart(4, '0');
}

/** The first character of `text` a backend would refuse or change: its index and `U+XXXX`. */
export function firstUnstorable(text: string): { index: number; codePoint: string } | undefined {
  const found = UNSTORABLE.exec(text);
  return found ? { index: found.index, codePoint: `U+${hex4(found[0]).toUpperCase()}` } : undefined;
}

/** NUL and unpaired surrogates in data text as U+FFFD (text without them is returned as it is). */
export function storableText(text: string): string {
  return UNSTORABLE.test(text) ? text.replace(UNSTORABLE_ALL, '\ufffd') : text;
}

/** Control characters and unpaired surrogates as `\uXXXX` escapes, for error messages. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE_ALL, (c) => `\\u${hex4(c)}`);
}

function replaceInJson(value: unknown, record: string, path: string): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) return value.map((item, i) => replaceInJson(item, record, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return value;
  const originals = new Map<string, string>();
  const entries = Object.entries(value).map(([key, item]): [string, unknown] => {
    const stored = storableText(key);
    const other = originals.get(stored);
    if (other !== undefined) {
      throw new FleetopsError(printable(`${record} has keys ${JSON.stringify(other)} and ${JSON.stringify(key)} in ${path} that are the same once NUL and unpaired surrogates are stored as U+FFFD: rename one`));
    }
    originals.set(stored, key);
    return [stored, replaceInJson(item, record, `${path}.${stored}`)];
  });
  return Object.fromEntries(entries);
}

/**
 * The JSON text of a data value as both backends store it: NUL and unpaired surrogates in its strings
 * and keys as U+FFFD; undefined as NULL. Throws when two keys of one object become the same.
 */
export function storableJson(value: unknown, record: string, field: string): string | null {
  if (value === undefined) return null;
  const text = JSON.stringify(value);
  return UNSTORABLE_ESCAPE.test(text) ? JSON.stringify(replaceInJson(JSON.parse(text), record, field)) : text;
}

/** The value as `storableJson` stores it and the store reads it back (the value itself when nothing changes). */
export function storableValue<T>(value: T, record: string, field: string): T {
  const text = JSON.stringify(value) as string | undefined;
  return text !== undefined && UNSTORABLE_ESCAPE.test(text) ? replaceInJson(JSON.parse(text), record, field) as T : value;
}
