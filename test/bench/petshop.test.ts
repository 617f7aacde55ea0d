import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listIssues, parseGraphCsv, parseMetricsCsv, petshopRoot } from '../../bench/petshop/load-petshop.js';
import { specificityCuts } from '../../bench/petshop/evaluate.js';
import { rankIssueDir, triggerIndex } from '../../bench/petshop/rank-issue.js';

describe('PetShop loaders', () => {
  it('parses the three header rows of metrics.csv into node → metric:statistic series', () => {
    const csv = [
      'microservice,A,B,A', 'metric,latency,latency,availability', 'statistic,Average,Average,Average',
      'unix_timestamp,,,', '100.0,0.5,,100', '400.0,0.7,0.1,99.5',
    ].join('\n');

    const m = parseMetricsCsv(csv);

    expect(Array.from(m.timestamps)).toEqual([100, 400]);
    expect(Array.from(m.series.get('A')?.get('latency:Average') ?? [])).toEqual([0.5, 0.7]);
    expect(Array.from(m.series.get('A')?.get('availability:Average') ?? [])).toEqual([100, 99.5]);
    expect(Number.isNaN(m.series.get('B')?.get('latency:Average')?.[0])).toBe(true);
  });

  it('reads graph.csv rows as callers and columns as callees', () => {
    const g = parseGraphCsv(',A,B,C\nA,0,1,1\nB,0,0,1\nC,0,0,0\n');

    expect(g.edges).toEqual([['A', 'B'], ['A', 'C'], ['B', 'C']]);
  });

  it.each([
    ['a ragged header', 'microservice,A\nmetric,latency,latency\nstatistic,Average\n', /header rows have different widths/],
    ['missing headers', 'microservice,A\n', /3 header rows/],
  ])('rejects %s with a clear error', (_name, text, message) => {
    expect(() => parseMetricsCsv(text, 'x/metrics.csv')).toThrow(message);
  });

  it('cuts normal data as the data set does: from half way in 10% steps, 3 rows kept', () => {
    expect(specificityCuts(588)).toEqual([294, 352, 410, 468, 526, 584]);
  });

  it.each([
    [150, 0], [400, 1], [700, 2], [undefined, 2],
  ])('analyses from the row holding the symptom time %s → %s', (timestamp, expected) => {
    expect(triggerIndex(Float64Array.from([100, 400, 700, 1000]), { node: 'A', metric: 'latency', statistic: 'Average', timestamp })).toBe(expected);
  });
});

const root = petshopRoot();
const present = existsSync(root);
if (!present) console.warn(`PetShop benchmark test skipped: no data at ${root} (set FLEETOPS_BENCHMARKS)`);

describe.skipIf(!present)('PetShop bench reads no answer fields', () => {
  const tmp = present ? mkdtempSync(path.join(tmpdir(), 'petshop-stripped-')) : '';
  afterAll(() => { if (tmp) rmSync(tmp, { recursive: true, force: true }); });

  /** Copies every issue folder with `root_cause` and `metadata` removed; scenario files are linked. */
  function stripCopy(): void {
    for (const ref of listIssues(root)) {
      const scenarioOut = path.join(tmp, ref.scenario);
      if (!existsSync(scenarioOut)) {
        mkdirSync(scenarioOut, { recursive: true });
        cpSync(path.join(root, ref.scenario, 'graph.csv'), path.join(scenarioOut, 'graph.csv'));
        const noissue = path.join(root, ref.scenario, 'noissue');
        if (existsSync(noissue)) symlinkSync(noissue, path.join(scenarioOut, 'noissue'));
      }
      const out = path.join(tmp, ref.folder);
      mkdirSync(out, { recursive: true });
      cpSync(path.join(ref.dir, 'metrics.csv'), path.join(out, 'metrics.csv'));
      const target = JSON.parse(readFileSync(path.join(ref.dir, 'target.json'), 'utf8')) as Record<string, unknown>;
      delete target.root_cause;
      delete target.metadata;
      writeFileSync(path.join(out, 'target.json'), JSON.stringify(target));
    }
  }

  it('ranks every issue identically with root_cause and metadata removed', () => {
    stripCopy();
    const refs = listIssues(root);
    const ranking = (dataRoot: string, folder: string, scenario: string) => {
      const r = rankIssueDir(path.join(dataRoot, folder), path.join(dataRoot, scenario));
      return { inconclusive: r.inconclusive, ranked: r.ranked.map((c) => [c.node, c.score]) };
    };

    const original = refs.map((ref) => ranking(root, ref.folder, ref.scenario));
    const stripped = refs.map((ref) => ranking(tmp, ref.folder, ref.scenario));

    expect(refs.length).toBeGreaterThan(0);
    expect(listIssues(tmp).map((r) => r.folder)).toEqual(refs.map((r) => r.folder));
    for (const ref of listIssues(tmp)) {
      expect(Object.keys(JSON.parse(readFileSync(path.join(ref.dir, 'target.json'), 'utf8')))).not.toContain('root_cause');
    }
    expect(original.some((r) => r.ranked.length > 0)).toBe(true);
    expect(stripped).toEqual(original);
  });
});
