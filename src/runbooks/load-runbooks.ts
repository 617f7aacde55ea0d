import { isUtf8 } from 'node:buffer';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeIssues } from '../core/config/format-issues.js';
import { ConfigError } from '../core/errors.js';
import { parseRunbook, type RawRunbook } from './parse-runbook.js';
import { RunbookFrontMatter, type Runbook } from './runbook-schema.js';

export class RunbookFormatError extends Error {
  /** `problem` is the message without the file, line and hint, as lint prints it. */
  constructor(readonly file: string, readonly line: number, readonly problem: string, options?: { cause?: unknown }) {
    super(`${file}:${line}: ${problem} (run \`fleetops runbooks lint\` for every problem)`, options);
    this.name = 'RunbookFormatError';
  }
}

/**
 * The runbook folder: `configured` (config `runbooksDir`, relative to the working directory) when
 * set, else the runbooks shipped with fleetops (found from this module, so a job started from any
 * working directory finds them; before, the digest failed with ENOENT outside the install folder).
 * A configured folder that does not exist is a config error naming the field.
 */
export function runbooksDirFor(configured: string | undefined, field = 'runbooksDir'): string {
  if (configured !== undefined) {
    const dir = resolve(configured);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ConfigError(`${field}: runbook folder ${dir} does not exist`);
    return dir;
  }
  return shippedRunbooksDir();
}

/** `runbooks/` beside the package.json of the fleetops install (src/runbooks and dist/src/runbooks alike). */
export function shippedRunbooksDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 5; up++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'runbooks'))) return join(dir, 'runbooks');
    dir = dirname(dir);
  }
  throw new ConfigError(`runbooksDir: no runbooks folder ships beside this fleetops install (${fileURLToPath(import.meta.url)}); set runbooksDir in the config`);
}

/** Markdown files of a runbook directory, sorted; README.md documents the format and is skipped. */
export function listRunbookFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.md') && name.toLowerCase() !== 'readme.md')
    .sort()
    .map((name) => join(dir, name));
}

/**
 * What in a runbook folder looks like a runbook but is not loaded, each with the reason: a Markdown
 * file named otherwise than `*.md` (`.MD`, `.markdown`), and a subfolder holding Markdown files (the
 * folder is read flat). Lint warns about each; the RCA would never cite them.
 */
export function unloadedRunbookEntries(dir: string): { file: string; why: string }[] {
  const out: { file: string; why: string }[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const markdown = readdirSync(path).filter(isMarkdownName).length;
      if (markdown > 0) out.push({ file: path, why: `a subfolder with ${markdown} Markdown file${markdown === 1 ? '' : 's'}: only runbooks directly in ${dir} are loaded; move them up` });
    } else if (isMarkdownName(entry.name) && !entry.name.endsWith('.md')) {
      out.push({ file: path, why: `not loaded: only files named *.md are runbooks; rename it to ${entry.name.replace(/\.[^.]+$/, '.md')}` });
    }
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

function isMarkdownName(name: string): boolean {
  return /\.(md|markdown)$/i.test(name) && name.toLowerCase() !== 'readme.md' && name.toLowerCase() !== 'readme.markdown';
}

const READ_PROBLEMS: Record<string, string> = {
  EISDIR: 'it is a directory', ENOENT: 'it does not exist (a broken symlink?)', EACCES: 'permission denied',
};

/** A runbook file's text; an unreadable file or bytes that are not UTF-8 throw RunbookFormatError naming file and line. */
export function readRunbookFile(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException)?.code ?? '';
    throw new RunbookFormatError(file, 1, `cannot read the file: ${READ_PROBLEMS[code] ?? (err as Error)?.message ?? String(err)}`, { cause: err });
  }
  if (isUtf8(bytes)) return bytes.toString('utf8');
  // decoding would turn the bytes into U+FFFD silently, in lint and in the excerpts the digest quotes
  let start = 0;
  let line = 1;
  for (let end = bytes.indexOf(10); end >= 0 && isUtf8(bytes.subarray(start, end)); end = bytes.indexOf(10, start)) {
    start = end + 1;
    line += 1;
  }
  throw new RunbookFormatError(file, line, 'not valid UTF-8: save the file as UTF-8');
}

/**
 * Validates a parsed runbook's front matter; throws RunbookFormatError at the offending line. The id
 * must be the file name: the RCA links `runbooks/<id>.md` and looks runbooks up by id, so a renamed
 * file or a copy keeping its id linked a file that is gone or gave one runbook another's front matter.
 */
export function toRunbook(raw: RawRunbook): Runbook {
  if (raw.frontMatterError) throw new RunbookFormatError(raw.file, raw.frontMatterError.line, raw.frontMatterError.message);
  const result = RunbookFrontMatter.safeParse(raw.frontMatter);
  if (!result.success) {
    const [problem] = describeIssues(result.error.issues, RunbookFrontMatter, raw.frontMatter, { ownMessages: 'sentence' });
    throw new RunbookFormatError(raw.file, raw.lineOf(problem.path as (string | number)[]), `${problem.field}: ${problem.message}`, { cause: result.error });
  }
  if (result.data.id !== basename(raw.file, '.md')) {
    throw new RunbookFormatError(raw.file, raw.lineOf(['id']), `id ${result.data.id} does not match the file name ${basename(raw.file)}`);
  }
  return { id: result.data.id, file: raw.file, meta: result.data, sections: raw.sections };
}

/** Reads every runbook in a directory. Structure only: references are checked by lint. */
export function loadRunbooks(dir: string): Runbook[] {
  return listRunbookFiles(dir).map((file) => toRunbook(parseRunbook(readRunbookFile(file), file)));
}
