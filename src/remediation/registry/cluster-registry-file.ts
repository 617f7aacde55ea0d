/** The cluster registry file read and validated without loading the Kubernetes client (~0.9 s to import). */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ConfigError } from '../../core/errors.js';
import { ClusterRegistryFile, type ClusterEntry } from './cluster-registry-schema.js';

/** Parses registry YAML text; ConfigError names the bad field. */
export function parseClusterRegistry(text: string, path = 'cluster registry'): ClusterEntry[] {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new ConfigError(`${path}: invalid YAML`, { cause: err });
  }
  const result = ClusterRegistryFile.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigError(`${path}: ${issue.path.join('.')}: ${issue.message}`, { cause: result.error });
  }
  return result.data.clusters;
}

export function loadClusterRegistry(path: string): ClusterEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read cluster registry ${path}: check clusterOps.registryFile`, { cause: err });
  }
  return parseClusterRegistry(text, path);
}
