/** Static facts of the simulated world: regions, component profiles, version skew, dependencies. */
import type { ComponentId, Substrate } from '../fleet/types.js';

export interface RegionSpec {
  name: string;
  substrate: Substrate;
  /** Local time offset from UTC in hours, shifting the daily traffic curve. */
  utcOffsetHours: number;
  /** Relative share of the fleet. */
  weight: number;
}

export const REGIONS: readonly RegionSpec[] = [
  { name: 'us-east-1', substrate: 'aws', utcOffsetHours: -5, weight: 16 },
  { name: 'us-west-2', substrate: 'aws', utcOffsetHours: -8, weight: 10 },
  { name: 'eu-west-1', substrate: 'aws', utcOffsetHours: 0, weight: 12 },
  { name: 'ap-southeast-1', substrate: 'aws', utcOffsetHours: 8, weight: 7 },
  { name: 'us-central1', substrate: 'gcp', utcOffsetHours: -6, weight: 9 },
  { name: 'europe-west4', substrate: 'gcp', utcOffsetHours: 1, weight: 8 },
  { name: 'asia-northeast1', substrate: 'gcp', utcOffsetHours: 9, weight: 5 },
  { name: 'westeurope', substrate: 'azure', utcOffsetHours: 1, weight: 9 },
  { name: 'eastus2', substrate: 'azure', utcOffsetHours: -5, weight: 8 },
  { name: 'dc-fra1', substrate: 'on-prem', utcOffsetHours: 1, weight: 8 },
  { name: 'dc-ams2', substrate: 'on-prem', utcOffsetHours: 1, weight: 8 },
];

export const INSTANCE_TYPES: Record<Substrate, readonly string[]> = {
  aws: ['m6i.xlarge', 'm6i.2xlarge', 'r6i.2xlarge'],
  gcp: ['n2-standard-4', 'n2-standard-8', 'n2-highmem-8'],
  azure: ['Standard_D4s_v5', 'Standard_D8s_v5', 'Standard_E8s_v5'],
  'on-prem': ['bm-16c-64g', 'bm-32c-128g', 'bm-32c-256g'],
};

/** Healthy operating point of one component; ranges are drawn per cluster. */
export interface ComponentProfile {
  namespace: string;
  /** Deployment / DaemonSet name; pods are `<workloadName>-<hash>-<id>`. */
  workloadName: string;
  /** Replicas; 0 means one per node (DaemonSet). */
  replicas: number;
  requestRate: [number, number];
  latencyP99Seconds: [number, number];
  errorRatio: [number, number];
  cpu: [number, number];
  memory: [number, number];
  network: [number, number];
  /** How strongly the daily/weekly traffic curve moves this component (0..1). */
  seasonality: number;
  /** Container image repository (versions are its tags). */
  image: string;
  versions: readonly string[];
  versionWeights: readonly number[];
}

const p = (o: ComponentProfile): ComponentProfile => o;

export const COMPONENT_PROFILES: Record<ComponentId, ComponentProfile> = {
  coredns: p({ namespace: 'kube-system', workloadName: 'coredns', replicas: 2, requestRate: [150, 2500], latencyP99Seconds: [0.008, 0.03], errorRatio: [0.00002, 0.00015], cpu: [0.1, 0.35], memory: [0.25, 0.45], network: [0.02, 0.08], seasonality: 0.8, image: 'registry.k8s.io/coredns/coredns', versions: ['v1.11.3', 'v1.11.1', 'v1.10.1', 'v1.9.4', 'v1.8.7'], versionWeights: [62, 20, 10, 5, 3] }),
  'ingress-gateway': p({ namespace: 'ingress-nginx', workloadName: 'ingress-nginx-controller', replicas: 2, requestRate: [80, 4000], latencyP99Seconds: [0.15, 0.45], errorRatio: [0.00003, 0.0002], cpu: [0.15, 0.45], memory: [0.3, 0.5], network: [0.05, 0.2], seasonality: 0.9, image: 'registry.k8s.io/ingress-nginx/controller', versions: ['v1.11.3', 'v1.10.4', 'v1.9.6', 'v1.8.5'], versionWeights: [58, 25, 12, 5] }),
  apiserver: p({ namespace: 'kube-system', workloadName: 'kube-apiserver', replicas: 3, requestRate: [40, 600], latencyP99Seconds: [0.25, 0.7], errorRatio: [0.00002, 0.0002], cpu: [0.2, 0.45], memory: [0.35, 0.6], network: [0.02, 0.08], seasonality: 0.4, image: 'registry.k8s.io/kube-apiserver', versions: ['v1.30.6', 'v1.29.10', 'v1.31.2', 'v1.28.15', 'v1.27.16'], versionWeights: [55, 22, 12, 8, 3] }),
  etcd: p({ namespace: 'kube-system', workloadName: 'etcd', replicas: 3, requestRate: [100, 1500], latencyP99Seconds: [0.01, 0.05], errorRatio: [0.00001, 0.0001], cpu: [0.1, 0.3], memory: [0.3, 0.55], network: [0.02, 0.06], seasonality: 0.3, image: 'registry.k8s.io/etcd', versions: ['3.5.15-0', '3.5.12-0', '3.5.9-0'], versionWeights: [64, 26, 10] }),
  kubelet: p({ namespace: 'kube-system', workloadName: 'kubelet', replicas: 0, requestRate: [5, 40], latencyP99Seconds: [0.05, 0.3], errorRatio: [0.00002, 0.00015], cpu: [0.05, 0.15], memory: [0.1, 0.25], network: [0.01, 0.03], seasonality: 0.3, image: 'kubelet', versions: ['v1.30.6', 'v1.29.10', 'v1.31.2', 'v1.28.15', 'v1.27.16'], versionWeights: [55, 22, 12, 8, 3] }),
  cni: p({ namespace: 'kube-system', workloadName: 'cilium', replicas: 0, requestRate: [1, 12], latencyP99Seconds: [0.2, 0.9], errorRatio: [0.00002, 0.00015], cpu: [0.05, 0.2], memory: [0.2, 0.4], network: [0.01, 0.04], seasonality: 0.3, image: 'quay.io/cilium/cilium', versions: ['v1.15.8', 'v1.14.14', 'v1.16.1', 'v1.13.18'], versionWeights: [60, 22, 12, 6] }),
  csi: p({ namespace: 'kube-system', workloadName: 'csi-node', replicas: 0, requestRate: [0.2, 3], latencyP99Seconds: [1, 4], errorRatio: [0.00002, 0.0002], cpu: [0.02, 0.1], memory: [0.1, 0.3], network: [0.005, 0.02], seasonality: 0.2, image: 'registry.k8s.io/sig-storage/csi-node-driver-registrar', versions: ['v2.11.1', 'v2.10.1', 'v2.9.4'], versionWeights: [66, 24, 10] }),
  'service-mesh': p({ namespace: 'istio-system', workloadName: 'istiod', replicas: 2, requestRate: [300, 8000], latencyP99Seconds: [0.04, 0.15], errorRatio: [0.00002, 0.00015], cpu: [0.15, 0.4], memory: [0.3, 0.55], network: [0.05, 0.2], seasonality: 0.85, image: 'docker.io/istio/pilot', versions: ['1.22.5', '1.21.6', '1.23.2', '1.20.8'], versionWeights: [57, 25, 12, 6] }),
  'cert-manager': p({ namespace: 'cert-manager', workloadName: 'cert-manager', replicas: 1, requestRate: [0.2, 2], latencyP99Seconds: [0.1, 0.5], errorRatio: [0.00002, 0.0002], cpu: [0.02, 0.08], memory: [0.15, 0.3], network: [0.002, 0.01], seasonality: 0.1, image: 'quay.io/jetstack/cert-manager-controller', versions: ['v1.15.3', 'v1.14.7', 'v1.13.6', 'v1.12.13'], versionWeights: [61, 24, 10, 5] }),
  'cluster-autoscaler': p({ namespace: 'kube-system', workloadName: 'cluster-autoscaler', replicas: 1, requestRate: [0.1, 0.6], latencyP99Seconds: [0.5, 2.5], errorRatio: [0.00002, 0.0002], cpu: [0.03, 0.1], memory: [0.2, 0.4], network: [0.002, 0.01], seasonality: 0.2, image: 'registry.k8s.io/autoscaling/cluster-autoscaler', versions: ['v1.30.2', 'v1.29.4', 'v1.28.6', 'v1.27.8'], versionWeights: [56, 26, 12, 6] }),
  'metrics-server': p({ namespace: 'kube-system', workloadName: 'metrics-server', replicas: 1, requestRate: [1, 10], latencyP99Seconds: [0.05, 0.3], errorRatio: [0.00002, 0.0002], cpu: [0.05, 0.15], memory: [0.2, 0.35], network: [0.005, 0.02], seasonality: 0.3, image: 'registry.k8s.io/metrics-server/metrics-server', versions: ['v0.7.2', 'v0.7.1', 'v0.6.4'], versionWeights: [63, 27, 10] }),
  workload: p({ namespace: 'apps', workloadName: 'apps', replicas: 3, requestRate: [100, 5000], latencyP99Seconds: [0.12, 0.8], errorRatio: [0.00003, 0.0002], cpu: [0.25, 0.55], memory: [0.4, 0.65], network: [0.05, 0.25], seasonality: 1, image: 'registry.example.com/apps', versions: ['2024.11.3', '2024.11.2', '2024.10.7', '2024.09.1'], versionWeights: [55, 25, 14, 6] }),
};

/** Workload deployments in namespace `apps`; the `workload` component aggregates them. */
export const WORKLOAD_DEPLOYMENTS = ['checkout-api', 'payments-api', 'catalog-web'] as const;

/** Component dependency edges: `from` depends on `to`. */
export const DEPENDENCIES: readonly { from: ComponentId; to: ComponentId }[] = [
  { from: 'workload', to: 'coredns' },
  { from: 'workload', to: 'service-mesh' },
  { from: 'ingress-gateway', to: 'service-mesh' },
  { from: 'ingress-gateway', to: 'coredns' },
  { from: 'ingress-gateway', to: 'cert-manager' },
  { from: 'service-mesh', to: 'coredns' },
  { from: 'service-mesh', to: 'apiserver' },
  { from: 'coredns', to: 'apiserver' },
  { from: 'workload', to: 'apiserver' },
  { from: 'workload', to: 'csi' },
  { from: 'apiserver', to: 'etcd' },
  { from: 'kubelet', to: 'apiserver' },
  { from: 'kubelet', to: 'cni' },
  { from: 'kubelet', to: 'csi' },
  { from: 'cni', to: 'apiserver' },
  { from: 'csi', to: 'apiserver' },
  { from: 'cert-manager', to: 'apiserver' },
  { from: 'cluster-autoscaler', to: 'apiserver' },
  { from: 'metrics-server', to: 'apiserver' },
  { from: 'metrics-server', to: 'kubelet' },
];
