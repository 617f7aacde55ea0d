import type { ComponentId } from './types.js';

/** The platform's component dependency edges (`from` depends on `to`), used when a source has no topology. */
export const DEFAULT_DEPENDENCIES: { from: ComponentId; to: ComponentId }[] = [
  { from: 'workload', to: 'coredns' },
  { from: 'workload', to: 'service-mesh' },
  { from: 'workload', to: 'csi' },
  { from: 'workload', to: 'cni' },
  { from: 'ingress-gateway', to: 'service-mesh' },
  { from: 'ingress-gateway', to: 'cert-manager' },
  { from: 'service-mesh', to: 'coredns' },
  { from: 'coredns', to: 'apiserver' },
  { from: 'coredns', to: 'cni' },
  { from: 'apiserver', to: 'etcd' },
  { from: 'kubelet', to: 'apiserver' },
  { from: 'kubelet', to: 'cni' },
  { from: 'kubelet', to: 'csi' },
  { from: 'cert-manager', to: 'apiserver' },
  { from: 'cluster-autoscaler', to: 'apiserver' },
  { from: 'metrics-server', to: 'kubelet' },
];
