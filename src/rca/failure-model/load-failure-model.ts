import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError } from '../../core/errors.js';
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

/** Parses and validates failure-model YAML text; throws ConfigError naming the bad field. */
export function parseFailureModel(text: string, path = FILE_NAME): LoadedFailureModel {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    throw new ConfigError(`${path}: invalid YAML: ${doc.errors[0].message}`);
  }
  const result = FailureModel.safeParse(doc.toJS());
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigError(`${path}: ${issue.path.join('.')}: ${issue.message}`, { cause: result.error });
  }
  const lines: Record<string, number> = {};
  result.data.groups.forEach((entry, g) => {
    entry.failure_modes.forEach((mode, m) => {
      const node = doc.getIn(['groups', g, 'failure_modes', m, 'id'], true) as { range?: number[] } | undefined;
      lines[mode.id] = node?.range ? lineCounter.linePos(node.range[0]).line : 1;
    });
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
