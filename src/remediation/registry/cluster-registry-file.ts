/** The cluster registry file read and validated without loading the Kubernetes client (~0.9 s to import). */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../core/errors.js';
import { parseYamlAs } from '../../core/parse-yaml-as.js';
import { ClusterRegistryFile, type ClusterEntry } from './cluster-registry-schema.js';

/** Parses registry YAML text; ConfigError names the bad field. */
export function parseClusterRegistry(text: string, path = 'cluster registry'): ClusterEntry[] {
  return parseYamlAs(ClusterRegistryFile, text, path).clusters;
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
