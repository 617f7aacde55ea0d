import { parse } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from './errors.js';

/** YAML text validated by `schema`; a ConfigError names `path` and the first bad field. */
export function parseYamlAs<S extends z.ZodType>(schema: S, text: string, path: string): z.output<S> {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new ConfigError(`${path}: invalid YAML`, { cause: err });
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigError(`${path}: ${issue.path.join('.')}: ${issue.message}`, { cause: result.error });
  }
  return result.data;
}
