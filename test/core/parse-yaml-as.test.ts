import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../../src/core/errors.js';
import { parseYamlAs } from '../../src/core/parse-yaml-as.js';

const Registry = z.strictObject({
  clusters: z.array(z.strictObject({ name: z.string().min(1), environment: z.enum(['prod', 'dev']), nodes: z.number().int().min(1) })),
});

/** zod's own wording, which no error may show. */
const RAW = /Invalid option|Invalid input|Too small|Too big|Unrecognized key|expected number to be|received/;

function errorOf(text: string): string {
  try {
    parseYamlAs(Registry, text, 'registry.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('parseYamlAs', () => {
  it('names the file, the line and each bad field, what it expects and what was found', () => {
    const message = errorOf('clusters:\n  - name: a\n    environment: staging\n    nodes: 0\n    owner: me\n');

    // before: `registry.yaml: clusters.0.environment: …`, with no line
    expect(message.split('\n')).toEqual([
      'registry.yaml:3: clusters.0.environment: expected one of "prod", "dev", found string "staging"',
      'registry.yaml:4: clusters.0.nodes: expected an integer ≥ 1, found number 0',
      'registry.yaml:5: clusters.0.owner: unknown key (check spelling)',
    ]);
    expect(message).not.toMatch(RAW);
  });

  it('names the line of a bad field deep in a longer file, past comments and other entries', () => {
    const text = [
      '# clusters fleetops may change',
      'clusters:',
      '  - name: a',
      '    environment: prod',
      '    nodes: 3',
      '',
      '  - name: b',
      '    environment: dev',
      '    nodes: many',
      '  - name: c',
      '    environment: dev',
      '    nodes: 1',
    ].join('\n');

    expect(errorOf(text)).toBe('registry.yaml:9: clusters.1.nodes: expected an integer ≥ 1, found string "many"');
  });

  it('names a missing field on its mapping\'s line, a nested mapping on its key\'s line, and the document on its first', () => {
    expect(errorOf('clusters:\n  - name: a\n    environment: dev\n    nodes: 1\n  - environment: dev\n    nodes: 1\n')).toBe('registry.yaml:5: clusters.1.name: expected a string, found nothing');
    expect(errorOf('# registry\nclusters:\n  name: a\n')).toBe('registry.yaml:2: clusters: expected a list, found a mapping');
    expect(errorOf('# registry\n- a\n')).toBe('registry.yaml:2: (root): expected a mapping, found a list of 1 item');
    expect(errorOf('')).toBe('registry.yaml:1: (root): expected a mapping, found null');
  });

  it.each([
    ['an unclosed flow list', 'clusters:\n  - name: a\n    nodes: [1\n', 'registry.yaml:4: invalid YAML: '],
    ['a key given twice', 'clusters: []\nclusters: []\n', 'registry.yaml:2: invalid YAML: Map keys must be unique'],
    ['a second document', 'clusters: []\n---\nclusters: []\n', 'registry.yaml:2: invalid YAML: Source contains multiple documents'],
    ['an alias with no anchor', 'clusters:\n  - name: a\n    environment: *env\n', 'registry.yaml:3: invalid YAML: Unresolved alias'],
    ['too many aliases', `a: &a [${'1,'.repeat(9)}1]\nb: &b [${'*a,'.repeat(9)}*a]\nc: &c [${'*b,'.repeat(9)}*b]\nd: [${'*c,'.repeat(9)}*c]\n`, 'registry.yaml:2: invalid YAML: Excessive alias count'],
  ])('names the file and line of %s', (_name, text, start) => {
    // before: `registry.yaml: invalid YAML`, with no line and no reason
    expect(errorOf(text).startsWith(start)).toBe(true);
  });

  it('returns the parsed value when it is valid', () => {
    expect(parseYamlAs(Registry, 'clusters:\n  - { name: a, environment: dev, nodes: 2 }\n', 'registry.yaml')).toEqual({ clusters: [{ name: 'a', environment: 'dev', nodes: 2 }] });
  });
});
