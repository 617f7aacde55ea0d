import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError, NotFoundError } from '../../../core/errors.js';
import { DEFAULT_DEPENDENCIES } from '../../../fleet/dependencies.js';
import type { Cluster, Topology } from '../../../fleet/types.js';
import type { Inventory } from '../types.js';
import { InventoryCluster, InventoryFile } from './schema.js';

/**
 * Inventory from a YAML file (`clusters: [...]`) or a CSV file with the header
 * `id,region,substrate,environment,tier,versions` where versions is `coredns=1.11.1;apiserver=1.30.2`.
 * Errors name the file and line.
 */
export function createFileInventory(opts: { path: string }): Inventory {
  const clusters = opts.path.endsWith('.csv') ? parseCsv(opts.path) : parseYaml(opts.path);
  const byId = new Map(clusters.map((c) => [c.id, c]));
  if (byId.size !== clusters.length) throw new ConfigError(`${opts.path}: duplicate cluster ids`);
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

function parseYaml(path: string): InventoryCluster[] {
  const text = read(path);
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  if (doc.errors.length) throw new ConfigError(`${path}:${doc.errors[0].linePos?.[0].line ?? 1}: invalid YAML: ${doc.errors[0].message.split('\n')[0]}`);
  const parsed = InventoryFile.safeParse(doc.toJS());
  if (parsed.success) return parsed.data.clusters;
  const issue = parsed.error.issues[0];
  const node = doc.getIn(issue.path as unknown[], true) as { range?: number[] } | undefined;
  const line = node?.range ? lc.linePos(node.range[0]).line : 1;
  throw new ConfigError(`${path}:${line}: ${issue.path.join('.')}: ${issue.message}`);
}

function parseCsv(path: string): InventoryCluster[] {
  const lines = read(path).split(/\r?\n/);
  const header = lines[0].split(',').map((h) => h.trim());
  const want = ['id', 'region', 'substrate', 'environment', 'tier', 'versions'];
  if (want.some((w, i) => header[i] !== w)) throw new ConfigError(`${path}:1: header must be ${want.join(',')}, found ${lines[0]}`);
  return lines.slice(1).flatMap((line, i) => {
    if (!line.trim() || line.startsWith('#')) return [];
    const [id, region, substrate, environment, tier, versions = ''] = line.split(',').map((s) => s.trim());
    const v = Object.fromEntries(versions.split(';').filter(Boolean).map((kv) => kv.split('=').map((s) => s.trim())));
    const parsed = InventoryCluster.safeParse({ id, region, substrate, environment, tier, versions: v });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ConfigError(`${path}:${i + 2}: ${issue.path.join('.')}: ${issue.message}`);
    }
    return [parsed.data];
  });
}

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`inventory.file ${path}: cannot read it (${(err as NodeJS.ErrnoException).code})`, { cause: err });
  }
}
