import { readFileSync } from 'node:fs';
import { parseYamlLocated } from '../../../core/parse-yaml-as.js';
import { describeIssues } from '../../../core/config/format-issues.js';
import { ConfigError, NotFoundError } from '../../../core/errors.js';
import { DEFAULT_DEPENDENCIES } from '../../../fleet/dependencies.js';
import type { Cluster, Topology } from '../../../fleet/types.js';
import type { Inventory } from '../types.js';
import { InventoryCluster, InventoryFile } from './schema.js';

/** A cluster and the line it starts on. */
interface Row {
  cluster: InventoryCluster;
  line: number;
}

const COLUMNS = ['id', 'region', 'substrate', 'environment', 'tier', 'versions'];

/**
 * Inventory from a YAML file (`clusters: [...]`) or a CSV file with the header
 * `id,region,substrate,environment,tier,versions` where versions is `coredns=1.11.1;apiserver=1.30.2`
 * (RFC 4180 quoting; blank lines and lines starting with `#` are skipped). Errors name the file and
 * line; ids are kept as written (PromQL matches label values exactly), and two ids that differ only
 * in case are refused.
 */
export function createFileInventory(opts: { path: string }): Inventory {
  const rows = /\.csv$/i.test(opts.path) ? parseCsv(opts.path) : parseYaml(opts.path);
  checkUnique(opts.path, rows);
  const clusters = rows.map((r) => r.cluster);
  const byId = new Map(clusters.map((c) => [c.id, c]));
  return {
    async listClusters() {
      return clusters.map(({ topology: _t, ...c }) => c as Cluster);
    },
    async getTopology(id): Promise<Topology> {
      const c = byId.get(id);
      if (!c) throw new NotFoundError(`cluster ${id} is not in inventory ${opts.path}`);
      return { cluster: id, nodes: c.topology?.nodes ?? [], pods: c.topology?.pods ?? [], dependencies: DEFAULT_DEPENDENCIES };
    },
  };
}

/** Duplicates are refused, never merged; so are ids that differ only in case (at most one can match the cluster label). */
function checkUnique(path: string, rows: Row[]): void {
  const seen = new Map<string, Row>();
  for (const row of rows) {
    const first = seen.get(row.cluster.id.toLowerCase());
    if (first?.cluster.id === row.cluster.id) throw new ConfigError(`${path}:${row.line}: cluster id ${row.cluster.id} is already listed on line ${first.line}`);
    if (first) throw new ConfigError(`${path}:${row.line}: cluster id ${row.cluster.id} differs only in case from ${first.cluster.id} on line ${first.line}; cluster label values match exactly, so use the one Prometheus reports`);
    seen.set(row.cluster.id.toLowerCase(), row);
  }
}

function parseYaml(path: string): Row[] {
  const text = read(path);
  const { data, lineOf } = parseYamlLocated(text, path);
  const parsed = InventoryFile.safeParse(data);
  if (parsed.success) return parsed.data.clusters.map((cluster, i) => ({ cluster, line: lineOf(['clusters', i]) }));
  // an unknown field's path ends in its key, so it is named on its own line, not the cluster's first
  const problems = describeIssues(parsed.error.issues, InventoryFile, data);
  throw new ConfigError(problems.map((p) => `${path}:${lineOf(p.path)}: ${p.field}: ${p.message}`).join('\n'), { cause: parsed.error });
}

function parseCsv(path: string): Row[] {
  const lines = read(path).split(/\r?\n/);
  const header = (splitCsvLine(lines[0]) ?? []).map((h) => h.trim());
  if (header.length !== COLUMNS.length || COLUMNS.some((w, i) => header[i] !== w)) throw new ConfigError(`${path}:1: header must be ${COLUMNS.join(',')}, found ${lines[0]}`);
  const rows = lines.slice(1).flatMap((line, i) => {
    if (!line.trim() || line.trimStart().startsWith('#')) return [];
    return [{ cluster: parseCsvRow(line, `${path}:${i + 2}`), line: i + 2 }];
  });
  if (rows.length === 0) throw new ConfigError(`${path}: no clusters below the header; list every cluster expected to report`);
  return rows;
}

function parseCsvRow(line: string, where: string): InventoryCluster {
  const fields = splitCsvLine(line)?.map((s) => s.trim());
  if (!fields) throw new ConfigError(`${where}: unbalanced quotes; quote a whole field ("a, b") and double a quote inside it ("")`);
  // versions may be left off; more fields is a comma where a semicolon was meant, or an unquoted comma
  if (fields.length < COLUMNS.length - 1 || fields.length > COLUMNS.length) throw new ConfigError(`${where}: expected ${COLUMNS.length} fields (${COLUMNS.join(',')}), found ${fields.length}; separate versions with ";" and quote a field holding a comma`);
  const [id, region, substrate, environment, tier, versions = ''] = fields;
  const row = { id, region, substrate, environment, tier, versions: parseVersions(versions, where) };
  const parsed = InventoryCluster.safeParse(row);
  if (parsed.success) return parsed.data;
  const problems = describeIssues(parsed.error.issues, InventoryCluster, row);
  throw new ConfigError(problems.map((p) => `${where}: ${p.field}: ${p.message}`).join('\n'), { cause: parsed.error });
}

/** `coredns=1.11.1;apiserver=1.30.2`; an entry without both sides or a component given twice is refused, not read in part. */
function parseVersions(text: string, where: string): Record<string, string> {
  const out = new Map<string, string>();
  for (const entry of text.split(';').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([^=]+?)\s*=\s*([^=]+)$/.exec(entry);
    if (!m) throw new ConfigError(`${where}: versions: "${entry}" is not component=version`);
    if (out.has(m[1])) throw new ConfigError(`${where}: versions: ${m[1]} is listed twice`);
    out.set(m[1], m[2]);
  }
  return Object.fromEntries(out);
}

/** One field: quoted (`"a, ""b"""`) or plain, then a comma or the end of the line. */
const CSV_FIELD = /[ \t]*"((?:[^"]|"")*)"[ \t]*(,|$)|([^,"]*)(,|$)/y;

/** The fields of one CSV line; undefined when its quotes are unbalanced or a quote stands inside a plain field. */
function splitCsvLine(line: string): string[] | undefined {
  const fields: string[] = [];
  CSV_FIELD.lastIndex = 0;
  for (;;) {
    const m = CSV_FIELD.exec(line);
    if (!m) return undefined;
    fields.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[3]);
    if ((m[2] ?? m[4]) !== ',') return fields;
  }
}

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`inventory.file ${path}: cannot read it (${(err as NodeJS.ErrnoException).code})`, { cause: err });
  }
}
