export { ClusterEntry, ClusterCredentials, ClusterRegistryFile, ClusterOpsSettings, SecretRef, ArgoClusterConfig } from './cluster-registry-schema.js';
export { createClusterRegistry, loadClusterRegistry, parseClusterRegistry, type ClusterRegistry, type SecretReader } from './cluster-registry.js';
export { createKubeSecretReader } from './kube-secret-reader.js';
