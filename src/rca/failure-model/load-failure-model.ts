import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeIssues } from '../../core/config/format-issues.js';
import { ConfigError } from '../../core/errors.js';
import { parseYamlLocated } from '../../core/parse-yaml-as.js';
import { FailureModel, type LoadedFailureModel } from './failure-model-schema.js';

const FILE_NAME = 'failure-model.yaml';

/**
 * The YAML ships next to this module in `src/`; a build into `dist/` does not copy it, so fall
 * back to the source tree rather than make every deployment remember an extra copy step.
 */
export function defaultFailureModelPath(): string {
  const beside = fileURLToPath(new URL(`./${FILE_NAME}`, import.meta.url));
  const inSource = beside.replace(/[/\\]dist[/\\]src[/\\]/, '/src/');
  return existsSync(beside) ? beside : inSource;
}

/** Parses and validates failure-model YAML text; throws ConfigError naming each bad field and its line. */
export function parseFailureModel(text: string, path = FILE_NAME): LoadedFailureModel {
  const { data, lineOf } = parseYamlLocated(text, path);
  const result = FailureModel.safeParse(data);
  if (!result.success) {
    // the schema's own messages are sentences (`etcd.x must start with "coredns."`)
    const problems = describeIssues(result.error.issues, FailureModel, data, { ownMessages: 'sentence' });
    throw new ConfigError(problems.map((p) => `${path}:${lineOf(p.path)}: ${p.field}: ${p.message}`).join('\n'), { cause: result.error });
  }
  const lines: Record<string, number> = {};
  result.data.groups.forEach((entry, g) => {
    entry.failure_modes.forEach((mode, m) => { lines[mode.id] = lineOf(['groups', g, 'failure_modes', m, 'id']); });
  });
  return { ...result.data, source: { path, lines } };
}

/** Loads the failure model (default: the one shipped with fleetops). */
export function loadFailureModel(path = defaultFailureModelPath()): LoadedFailureModel {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read failure model ${path}: check the path`, { cause: err });
  }
  return parseFailureModel(text, path);
}
