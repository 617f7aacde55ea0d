import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../core/errors.js';
import { parseYamlAs } from '../../core/parse-yaml-as.js';
import { SafeOperationCatalog } from './safe-operation-schema.js';

const FILE_NAME = 'safe-operations.yaml';

/** The YAML lives in `src/`; a `dist/` build does not copy it, so fall back to the source tree. */
export function defaultSafeOperationCatalogPath(): string {
  const beside = fileURLToPath(new URL(`./${FILE_NAME}`, import.meta.url));
  const inSource = beside.replace(/[/\\]dist[/\\]src[/\\]/, '/src/');
  return existsSync(beside) ? beside : inSource;
}

/** Parses and validates catalog YAML text; throws ConfigError naming the bad field. */
export function parseSafeOperationCatalog(text: string, path = FILE_NAME): SafeOperationCatalog {
  return parseYamlAs(SafeOperationCatalog, text, path);
}

/** Loads the safe-operation catalog (default: the one shipped with fleetops). */
export function loadSafeOperationCatalog(path = defaultSafeOperationCatalogPath()): SafeOperationCatalog {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read safe-operation catalog ${path}: check the path`, { cause: err });
  }
  return parseSafeOperationCatalog(text, path);
}
