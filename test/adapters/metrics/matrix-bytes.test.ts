import { describe, expect, it } from 'vitest';
import { ExternalServiceError } from '../../../src/core/errors.js';
import { decodeValues, type QueryGrid } from '../../../src/adapters/metrics/prometheus/decode-matrix.js';
import { JsonSyntaxError, parseAnswerBytes } from '../../../src/adapters/metrics/prometheus/matrix-bytes.js';

const GRID: QueryGrid = { startMs: 1_700_000_000_000, stepMs: 300_000, n: 12 };
const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

/** The reference: JSON.parse, then the per-sample decoder the byte reader replaces. */
function viaJsonParse(text: string): unknown {
  const json = JSON.parse(text) as { data?: { result?: { values?: unknown[] }[] } };
  for (const r of json.data?.result ?? []) if (Array.isArray(r.values) && Array.isArray(r.values[0])) r.values = decodeValues(r.values, GRID) as unknown as unknown[];
  return json;
}

function expectSameAsJsonParse(text: string): void {
  const got = parseAnswerBytes(bytes(text), GRID);
  const want = viaJsonParse(text);
  // toEqual treats NaN as equal to NaN and compares typed arrays element by element
  expect(got).toEqual(want);
}

/** Deterministic pseudo-random numbers (no Math.random in tests). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function answer(result: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { status: 'success', data: { resultType: 'matrix', result }, ...extra };
}

describe('parseAnswerBytes', () => {
  it('reads the values the way JSON.parse + decodeValues do, for every value format Prometheus-compatible servers print', () => {
    const formats = ['0', '-0', '1', '42', '0.5', '-17.25', '0.00007000462009845094', '0.0001282918883746343', '123456789012345', '1234567890123456789',
      '1e-7', '1.5e+300', '-2E5', 'NaN', '+Inf', '-Inf', 'Inf', '5.', '.5', ' 3', '', '0.1000000000000000055511151231257827', '9007199254740993', '3.0e0'];
    const values = formats.map((v, i) => [1_700_000_000 + (i % 12) * 300, v]);
    expectSameAsJsonParse(JSON.stringify(answer([{ metric: { cluster: 'c-1' }, values }])));
  });

  it('agrees with JSON.parse on 2,000 random doubles of every magnitude, as JavaScript and as fixed notation print them', () => {
    const rnd = lcg(7);
    const result = Array.from({ length: 40 }, (_, s) => ({
      metric: { cluster: `c-${s}`, le: String(s) },
      values: Array.from({ length: 50 }, (_, i) => {
        const x = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 40 - 20);
        return [1_700_000_000 + (i % 12) * 300, i % 3 === 0 ? x.toFixed(Math.floor(rnd() * 20)) : String(x)];
      }),
    }));
    expectSameAsJsonParse(JSON.stringify(answer(result)));
  });

  it('reads 16-digit decimals on both sides of 2^53 exactly (the fast path ends where m reaches 2^53)', () => {
    const rnd = lcg(11);
    const edge = ['9007199254740991', '9007199254740992', '9007199254740993', '9007199254740999', '0.9007199254740991', '0.9007199254740993',
      '900719925474099.1', '900719925474099.3', '-9.007199254740993', '1000000000000001', '0.0000000000000001234567890123456'];
    const random = Array.from({ length: 3000 }, () => {
      const digits = String(Math.floor(rnd() * 9e15) + 1e15); // 16 digits, first digit 1-9
      const point = Math.floor(rnd() * 17);
      const s = point === 16 ? digits : `${digits.slice(0, point) || '0'}.${digits.slice(point)}`;
      return rnd() < 0.3 ? `-${s}` : s;
    });
    const all = [...edge, ...random];
    const values = all.map((v, i) => [1_700_000_000 + (i % 12) * 300, v]);
    // one series per 12 values, so no sample overwrites another on the 12-point grid
    const result = Array.from({ length: Math.ceil(all.length / 12) }, (_, s) => ({ metric: { s: String(s) }, values: values.slice(s * 12, s * 12 + 12) }));
    const got = parseAnswerBytes(bytes(JSON.stringify(answer(result))), GRID) as { data: { result: { values: Float64Array }[] } };
    const read = got.data.result.flatMap((r) => Array.from(r.values)).slice(0, all.length);
    expect(read).toEqual(all.map(Number));
  });

  it('places samples on the grid: fractional timestamps, samples off the step and outside the range are dropped', () => {
    const values = [[1_700_000_000, '1'], [1_700_000_300.0, '2'], [1_700_000_600.0004, '3'], [1_700_000_750, '4'], [1_699_999_700, '5'], [1_700_003_600, '6'], [1_700_000_900.5, '7']];
    const got = parseAnswerBytes(bytes(JSON.stringify(answer([{ metric: {}, values }]))), GRID) as { data: { result: { values: Float64Array }[] } };
    expect(Array.from(got.data.result[0].values.subarray(0, 4))).toEqual([1, 2, 3, NaN]);
    expectSameAsJsonParse(JSON.stringify(answer([{ metric: {}, values }])));
  });

  it('reads labels with escapes and non-ASCII text, pretty-printed bodies, warnings and histograms', () => {
    const result = [
      { metric: { cluster: 'c-"quoted"\\back', team: 'équipe 日本', nl: 'a\nb\u0001' }, values: [[1_700_000_000, '1.5']] },
      { metric: { cluster: 'c-2' }, values: [] },
      { metric: { cluster: 'c-3' }, histograms: [[1_700_000_000, { count: '3', sum: '1.5' }]] },
    ];
    const body = answer(result, { warnings: ['partial: store "eu" down'], infos: ['PromQL info: metric might not be a counter'] });
    expectSameAsJsonParse(JSON.stringify(body));
    expectSameAsJsonParse(JSON.stringify(body, null, 2).replace(/\n/g, '\r\n'));
  });

  it('reads other JSON values unchanged (a vector answer, an error envelope, literals and numbers)', () => {
    for (const doc of [
      { status: 'success', data: { resultType: 'vector', result: [{ metric: { a: 'b' }, value: [1_700_000_000.25, '3'] }] } },
      { status: 'error', errorType: 'bad_data', error: 'invalid parameter "query": 1:5: parse error' },
      { a: [true, false, null, -1.5e-3, 0, 9007199254740991, 1e300], values: 'not samples', b: { values: [1, 2] } },
    ]) expect(parseAnswerBytes(bytes(JSON.stringify(doc)), GRID)).toEqual(doc);
  });

  it('keeps a "__proto__" key an own property, as JSON.parse does, never the object\'s prototype', () => {
    const text = '{"status":"error","data":{"__proto__":{"resultType":"matrix","polluted":true}}}';
    const got = parseAnswerBytes(bytes(text), GRID) as { data: Record<string, unknown> };
    expect(Object.getPrototypeOf(got.data)).toBe(Object.prototype);
    expect((got.data as { polluted?: boolean }).polluted).toBeUndefined();
    expect(got).toEqual(JSON.parse(text));
  });

  it.each([
    ['a truncated body', '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1700000000,"1"]'],
    ['an HTML error page', '<html><body>502 Bad Gateway</body></html>'],
    ['an empty body', ''],
    ['trailing garbage', '{"status":"success"} x'],
    ['a bare word', '{"status":tru}'],
  ])('refuses %s with a JsonSyntaxError naming the byte', (_, text) => {
    expect(() => parseAnswerBytes(bytes(text), GRID)).toThrow(JsonSyntaxError);
    expect(() => parseAnswerBytes(bytes(text), GRID)).toThrow(/at byte \d+/);
  });

  it.each([
    ['a timestamp as a string', '[["1700000000","1"]]'],
    ['a value that is not a number', '[[1700000000,"abc"]]'],
    ['a value that is not quoted', '[[1700000000,1]]'],
    ['a pair with a third element', '[[1700000000,"1","x"]]'],
  ])('refuses a malformed sample (%s) like the per-sample decoder does', (_, values) => {
    const text = `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":${values}}]}}`;
    expect(() => parseAnswerBytes(bytes(text), GRID)).toThrow(ExternalServiceError);
    expect(() => parseAnswerBytes(bytes(text), GRID)).toThrow(/malformed sample/);
  });
});
