import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeIssues, describeValue } from '../../src/core/config/format-issues.js';

/** zod's own wording, which no described issue may show. */
const RAW = /Too small|Too big|Invalid input|Invalid option|Unrecognized key|expected number to be|received/;

const Schema = z.strictObject({
  name: z.string().min(1),
  replicas: z.number().int().min(1).max(5),
  mode: z.enum(['fast', 'safe']),
  window: z.strictObject({ startsAt: z.iso.datetime(), hours: z.number().positive() }).refine((w) => w.hours < 24, { path: ['hours'] }),
});

function issuesOf(data: unknown, opts = {}) {
  const parsed = Schema.safeParse(data);
  if (parsed.success) throw new Error('expected a parse failure');
  return describeIssues(parsed.error.issues, Schema, data, opts);
}

describe('describeIssues', () => {
  it('names each field with what it expects and what was found, in order', () => {
    const data = { name: '', replicas: 0, mode: 'quick', window: { startsAt: 'noon', hours: 1 } };

    const got = issuesOf(data);

    expect(got).toEqual([
      { path: ['name'], field: 'name', message: 'expected a string of at least 1 character, found string ""' },
      { path: ['replicas'], field: 'replicas', message: 'expected an integer from 1 to 5, found number 0' },
      { path: ['mode'], field: 'mode', message: 'expected one of "fast", "safe", found string "quick"' },
      { path: ['window', 'startsAt'], field: 'window.startsAt', message: 'expected an ISO 8601 time such as 2026-11-30T06:00:00Z, found string "noon"' },
    ]);
    expect(got.map((p) => p.message).join('\n')).not.toMatch(RAW);
  });

  it('names an unknown key by its own path, with the reference when one is given', () => {
    const data = { name: 'a', replicas: 1, mode: 'fast', window: { startsAt: '2026-11-30T06:00:00Z', hours: 1 }, extra: 1 };

    expect(issuesOf(data)).toEqual([{ path: ['extra'], field: 'extra', message: 'unknown key (check spelling)' }]);
    expect(issuesOf(data, { reference: 'example.yaml' })[0].message).toBe('unknown key (check spelling; see example.yaml)');
  });

  it('reads a refine without a message as a valid value, naming the reference when given', () => {
    const data = { name: 'a', replicas: 1, mode: 'fast', window: { startsAt: '2026-11-30T06:00:00Z', hours: 30 } };

    expect(issuesOf(data)).toEqual([{ path: ['window', 'hours'], field: 'window.hours', message: 'expected a valid value, found number 30' }]);
    expect(issuesOf(data, { reference: 'example.yaml' })[0].message).toBe('expected a valid value (see example.yaml), found number 30');
  });

  it('shows a schema message that is a sentence of its own as it is, when told so', () => {
    const Pair = z.strictObject({ min: z.number(), max: z.number() }).refine((r) => r.min <= r.max, { message: 'min must not exceed max', path: ['min'] });
    const data = { min: 3, max: 1 };
    const issues = Pair.safeParse(data).error?.issues ?? [];

    expect(describeIssues(issues, Pair, data)[0].message).toBe('expected min must not exceed max, found number 3');
    expect(describeIssues(issues, Pair, data, { ownMessages: 'sentence' })[0].message).toBe('min must not exceed max');
  });

  it('names a single allowed value alone, and lists several as one of', () => {
    const Versioned = z.strictObject({ version: z.literal(1), kind: z.enum(['a']), level: z.union([z.literal(0), z.literal(1)]) });
    const data = { version: 2, kind: 'b', level: 2 };
    const issues = Versioned.safeParse(data).error?.issues ?? [];

    // before: `expected one of 1, found number 2` and `expected one of "a", …`
    expect(describeIssues(issues, Versioned, data).map((p) => p.message)).toEqual([
      'expected 1, found number 2',
      'expected "a", found string "b"',
      'expected one of 0, 1, found number 2',
    ]);
  });

  it('reads a pattern\'s own message as what the field expects even where refines speak in sentences', () => {
    const Entry = z.strictObject({ id: z.string().regex(/^[a-z]+(-[a-z]+)*$/, 'a kebab-case id such as dns-slow'), min: z.number(), max: z.number() })
      .refine((r) => r.min <= r.max, { message: 'min must not exceed max', path: ['min'] });
    const data = { id: 'DNS_slow', min: 3, max: 1 };
    const issues = Entry.safeParse(data).error?.issues ?? [];

    // before: `a kebab-case id such as dns-slow`, alone and without the value
    expect(describeIssues(issues, Entry, data, { ownMessages: 'sentence' }).map((p) => `${p.field}: ${p.message}`)).toEqual([
      'id: expected a kebab-case id such as dns-slow, found string "DNS_slow"',
      'min: min must not exceed max',
    ]);
    // a missing field names what its pattern expects, not just a string
    expect(describeIssues(Entry.safeParse({ min: 1, max: 2 }).error?.issues ?? [], Entry, { min: 1, max: 2 }, { ownMessages: 'sentence' })[0].message)
      .toBe('expected a kebab-case id such as dns-slow, found nothing');
  });

  it('names the value itself as (root)', () => {
    expect(issuesOf('text')).toEqual([{ path: [], field: '(root)', message: 'expected a mapping, found string "text"' }]);
  });
});

describe('describeValue', () => {
  it.each([
    [undefined, 'nothing'],
    [null, 'null'],
    [0, 'number 0'],
    [false, 'boolean false'],
    ['x', 'string "x"'],
    [[], 'a list with no items'],
    [[1], 'a list of 1 item'],
    [[1, 2], 'a list of 2 items'],
    [{ a: 1 }, 'a mapping'],
    ['z'.repeat(5000), `string "${'z'.repeat(60)}…" (5000 characters)`],
  ])('%j → %s', (value, text) => {
    expect(describeValue(value)).toBe(text);
  });
});
