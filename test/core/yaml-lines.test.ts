import { describe, expect, it } from 'vitest';
import { yamlLines } from '../../src/core/config/yaml-lines.js';

const TEXT = ['scan:', '  shards: 0', '  slo:', '    availability: 0.999', 'signals:', '  - id: a', '    promql: up', ''].join('\n');

describe('yamlLines', () => {
  it.each([
    [['scan', 'shards'], 2],
    // a mapping's value starts on the next line: its key's line is where a person looks
    [['scan', 'slo'], 3],
    [['scan', 'slo', 'availability'], 4],
    [['signals', 0, 'promql'], 7],
    [['signals', 0], 6],
    // not in the file: its nearest ancestor that is
    [['scan', 'lookbackHours'], 1],
    [['signals', 3, 'id'], 5],
  ] as const)('locates %j on line %i', (path, line) => {
    expect(yamlLines(TEXT)(path)).toBe(line);
  });
});
