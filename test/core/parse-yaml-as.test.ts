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
  it('names the file and each bad field, what it expects and what was found', () => {
    const message = errorOf('clusters:\n  - name: a\n    environment: staging\n    nodes: 0\n    owner: me\n');

    // before: `registry.yaml: clusters.0.environment: Invalid option: expected one of "prod"|"dev"` and nothing more
    expect(message.split('\n')).toEqual([
      'registry.yaml: clusters.0.environment: expected one of "prod", "dev", found string "staging"',
      'registry.yaml: clusters.0.nodes: expected an integer ≥ 1, found number 0',
      'registry.yaml: clusters.0.owner: unknown key (check spelling)',
    ]);
    expect(message).not.toMatch(RAW);
  });

  it('names a missing field and a document of the wrong kind', () => {
    expect(errorOf('clusters:\n  - environment: dev\n    nodes: 1\n')).toBe('registry.yaml: clusters.0.name: expected a string, found nothing');
    expect(errorOf('- a\n')).toBe('registry.yaml: (root): expected a mapping, found a list of 1 item');
  });

  it('returns the parsed value when it is valid', () => {
    expect(parseYamlAs(Registry, 'clusters:\n  - { name: a, environment: dev, nodes: 2 }\n', 'registry.yaml')).toEqual({ clusters: [{ name: 'a', environment: 'dev', nodes: 2 }] });
  });
});
