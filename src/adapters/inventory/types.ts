import type { Cluster, Topology } from '../../fleet/types.js';

/** Which clusters exist and are expected to report, with their attributes. */
export interface Inventory {
  /** Every cluster expected to report. Throws ExternalServiceError when the source is unreachable. */
  listClusters(signal?: AbortSignal): Promise<Cluster[]>;
  /** Nodes, pods and component dependencies of one cluster; NotFoundError for an unknown cluster. */
  getTopology(clusterId: string, signal?: AbortSignal): Promise<Topology>;
}
