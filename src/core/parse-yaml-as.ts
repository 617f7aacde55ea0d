import { parse } from 'yaml';
import type { z } from 'zod';
import { describeIssues } from './config/format-issues.js';
import { ConfigError } from './errors.js';

/**
 * YAML text validated by `schema`; a ConfigError names `path` and each bad field, one a line. The
 * schema's own messages are sentences (`min must not exceed max`), as the catalog's and registry's are.
 */
export function parseYamlAs<S extends z.ZodType>(schema: S, text: string, path: string): z.output<S> {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new ConfigError(`${path}: invalid YAML`, { cause: err });
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    const problems = describeIssues(result.error.issues, schema, raw, { ownMessages: 'sentence' });
    throw new ConfigError(problems.map((p) => `${path}: ${p.field}: ${p.message}`).join('\n'), { cause: result.error });
  }
  return result.data;
}
