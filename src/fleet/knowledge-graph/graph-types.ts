/** Node kinds of the fleet knowledge graph. Ids: `cluster:<c>`, `node:<c>/<n>`, `pod:<c>/<ns>/<p>`, `component:<c>/<comp>`. */
export type GraphNodeKind = 'cluster' | 'node' | 'pod' | 'component';

export interface GraphNode {
  id: string;
  kind: GraphNodeKind;
  cluster: string;
  /** Node name, pod name or component id (the cluster id for a cluster node). */
  name: string;
  attrs: Record<string, string>;
}

/** `contains` cluster→node, `hosts` node→pod, `runs` component→pod, `depends-on` component→component. */
export type GraphEdgeKind = 'contains' | 'hosts' | 'runs' | 'depends-on';

export interface GraphEdge {
  from: string;
  to: string;
  kind: GraphEdgeKind;
}

export const nodeId = {
  cluster: (c: string): string => `cluster:${c}`,
  node: (c: string, n: string): string => `node:${c}/${n}`,
  pod: (c: string, ns: string, p: string): string => `pod:${c}/${ns}/${p}`,
  component: (c: string, comp: string): string => `component:${c}/${comp}`,
};
