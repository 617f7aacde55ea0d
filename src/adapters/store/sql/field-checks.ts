import { FleetopsError } from '../../../core/errors.js';
import { firstUnstorable, printable } from './storable-text.js';

/**
 * A record's fields (or a call's arguments) by how the backends store them, to refuse up front what
 * one backend would store and the other refuse or store differently.
 */
export interface FieldChecks {
  /** Ids, keys and names: stored as given, so refused with NUL or an unpaired surrogate (storable-text.ts). */
  keys?: Record<string, string | readonly string[] | undefined>;
  /** JSON stored as given (what a proposal acts on): its strings and keys are checked as keys. */
  exactJson?: Record<string, unknown>;
  /** Epoch milliseconds (BIGINT): PostgreSQL refuses a fraction or NaN that SQLite keeps. */
  times?: Record<string, number | undefined>;
  /** Milliseconds added to a time. */
  durations?: Record<string, number | undefined>;
  /** INTEGER columns: PostgreSQL's are 32 bits, SQLite's 64. */
  integers?: Record<string, number | undefined>;
  /** REAL columns: SQLite stores NaN as NULL, PostgreSQL as NaN. */
  numbers?: Record<string, number | undefined>;
  /** LIMITs: SQLite reads a negative one as no limit, PostgreSQL refuses it. */
  limits?: Record<string, number | undefined>;
}

type NumberKind = 'times' | 'durations' | 'integers' | 'numbers' | 'limits';

const NUMBER_RULES: Record<NumberKind, [(v: number) => boolean, string]> = {
  times: [Number.isSafeInteger, 'times must be whole epoch milliseconds'],
  durations: [Number.isSafeInteger, 'durations must be whole milliseconds'],
  integers: [(v) => Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31, 'it must be a whole number from -2147483648 to 2147483647'],
  numbers: [(v) => !Number.isNaN(v), 'it must be a number, not NaN'],
  limits: [(v) => Number.isSafeInteger(v) && v >= 0, 'limits must be whole numbers from 0'],
};

function fail(message: string): never {
  throw new FleetopsError(printable(message));
}

function checkKey(record: string, field: string, text: string): void {
  const bad = firstUnstorable(text);
  if (!bad) return;
  const what = bad.codePoint === 'U+0000' ? 'a NUL' : 'an unpaired surrogate';
  fail(`${record} has ${what} (${bad.codePoint}) in ${field} at index ${bad.index}: ids, keys and names are stored as given, so they must be valid Unicode text without NUL`);
}

function checkExactJson(record: string, path: string, value: unknown): void {
  if (typeof value === 'string') checkKey(record, path, value);
  else if (Array.isArray(value)) value.forEach((item, i) => checkExactJson(record, `${path}[${i}]`, item));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      checkKey(record, `a key of ${path}`, key);
      checkExactJson(record, `${path}.${key}`, item);
    }
  }
}

/**
 * Throws a FleetopsError naming the record, the field and what is wrong (for text, the index of the
 * character) on the first field a backend could not store as given; absent (undefined or null) fields
 * pass. Call before writing anything.
 */
export function checkFields(record: string, checks: FieldChecks): void {
  for (const [field, value] of Object.entries(checks.keys ?? {})) {
    if (typeof value === 'string') checkKey(record, field, value);
    else value?.forEach((item, i) => checkKey(record, `${field}[${i}]`, item));
  }
  for (const [field, value] of Object.entries(checks.exactJson ?? {})) checkExactJson(record, field, value);
  for (const kind of Object.keys(NUMBER_RULES) as NumberKind[]) {
    const [valid, rule] = NUMBER_RULES[kind];
    for (const [field, value] of Object.entries(checks[kind] ?? {})) {
      if (value !== undefined && value !== null && !(typeof value === 'number' && valid(value))) fail(`${record} has ${field} ${String(value)}: ${rule}`);
    }
  }
}
