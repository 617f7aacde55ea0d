import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRunbook, type RawRunbook } from './parse-runbook.js';
import { RunbookFrontMatter, type Runbook } from './runbook-schema.js';

export class RunbookFormatError extends Error {
  constructor(readonly file: string, readonly line: number, message: string, options?: { cause?: unknown }) {
    super(`${file}:${line}: ${message} (run \`fleetops runbooks lint\` for every problem)`, options);
    this.name = 'RunbookFormatError';
  }
}

/** Markdown files of a runbook directory, sorted; README.md documents the format and is skipped. */
export function listRunbookFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.md') && name.toLowerCase() !== 'readme.md')
    .sort()
    .map((name) => join(dir, name));
}

/** Validates a parsed runbook's front matter; throws RunbookFormatError at the offending line. */
export function toRunbook(raw: RawRunbook): Runbook {
  if (raw.frontMatterError) throw new RunbookFormatError(raw.file, raw.frontMatterError.line, raw.frontMatterError.message);
  const result = RunbookFrontMatter.safeParse(raw.frontMatter);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue.path.map(String).join('.');
    throw new RunbookFormatError(raw.file, raw.lineOf(issue.path as (string | number)[]), `${where}: ${issue.message}`, { cause: result.error });
  }
  return { id: result.data.id, file: raw.file, meta: result.data, sections: raw.sections };
}

/** Reads every runbook in a directory. Structure only: references are checked by lint. */
export function loadRunbooks(dir: string): Runbook[] {
  return listRunbookFiles(dir).map((file) => toRunbook(parseRunbook(readFileSync(file, 'utf8'), file)));
}
