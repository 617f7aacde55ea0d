/** Deterministic inventory: clusters with attributes and versions, and each cluster's topology. */
import { COMPONENTS, type Cluster, type ComponentId, type Environment, type NodePool, type Substrate, type Tier, type Topology, type TopologyNode, type TopologyPod } from '../fleet/types.js';
import { COMPONENT_PROFILES, DEPENDENCIES, INSTANCE_TYPES, REGIONS, WORKLOAD_DEPLOYMENTS, type RegionSpec } from './catalog.js';
import { createRng, hashKeys, shortId } from './random.js';

export const NIC_BYTES_PER_SECOND: Record<Substrate, number> = {
  aws: 1.25e9, gcp: 1.25e9, azure: 1.5e9, 'on-prem': 3.125e9,
};

export function regionOf(name: string): RegionSpec {
  const r = REGIONS.find((x) => x.name === name);
  if (!r) throw new Error(`unknown simulated region ${name}`);
  return r;
}

/** `count` clusters named `c-<region>-<nnnn>`, reproducible from the seed. */
export function buildClusters(seed: number, count: number): Cluster[] {
  const clusters: Cluster[] = [];
  for (let i = 0; i < count; i++) {
    const rng = createRng(hashKeys(seed, 'cluster', i));
    // The first clusters cover every region so even a small fleet has them all.
    const region = i < REGIONS.length ? REGIONS[i] : rng.weighted(REGIONS, REGIONS.map((r) => r.weight));
    const environment = rng.weighted<Environment>(['prod', 'staging', 'dev'], [55, 25, 20]);
    const tier: Tier = environment === 'prod' ? rng.weighted<Tier>(['tier-0', 'tier-1', 'tier-2'], [20, 50, 30]) : 'tier-2';
    const id = `c-${region.name}-${String(i + 1).padStart(4, '0')}`;
    const versions: Partial<Record<ComponentId, string>> = {};
    for (const c of COMPONENTS) {
      const prof = COMPONENT_PROFILES[c];
      versions[c] = rng.weighted(prof.versions, prof.versionWeights);
    }
    // kubelet follows the control plane version of the same cluster.
    versions.kubelet = versions.apiserver;
    clusters.push({ id, region: region.name, substrate: region.substrate, environment, tier, versions, nodePools: buildPools(rng.next(), region.substrate, tier) });
  }
  return clusters;
}

function buildPools(u: number, substrate: Substrate, tier: Tier): NodePool[] {
  const rng = createRng(Math.floor(u * 4294967296));
  const types = INSTANCE_TYPES[substrate];
  const big = tier === 'tier-0' ? 2 : 0;
  const pools: NodePool[] = [
    { name: 'system', instanceType: types[0], nodeCount: rng.int(2, 3) },
    { name: 'general', instanceType: types[1], nodeCount: rng.int(1, 4) + big },
  ];
  if (rng.next() < 0.4) pools.push({ name: 'highmem', instanceType: types[2], nodeCount: rng.int(1, 3) });
  return pools;
}

export function nodeNames(cluster: Cluster): { name: string; pool: string }[] {
  const out: { name: string; pool: string }[] = [];
  for (const pool of cluster.nodePools) {
    for (let n = 0; n < pool.nodeCount; n++) {
      const k = hashKeys(cluster.id, pool.name, n);
      const name = cluster.substrate === 'aws'
        ? `ip-10-${(k >>> 24) % 64}-${(k >>> 8) & 255}-${k & 255}.${cluster.region}.compute.internal`
        : `${cluster.id}-${pool.name}-${n}`;
      out.push({ name, pool: pool.name });
    }
  }
  return out;
}

/** Pod name in the style of a Deployment's ReplicaSet (`<name>-<rs>-<id>`). */
export function podName(clusterId: string, workloadName: string, i: number, daemonSet = false): string {
  const id = shortId(hashKeys(clusterId, workloadName, i), 5);
  return daemonSet ? `${workloadName}-${id}` : `${workloadName}-${shortId(hashKeys(clusterId, workloadName), 10)}-${id}`;
}

/** Base topology (no scenario extras): nodes, component pods placed on nodes, dependencies. */
export function buildTopology(cluster: Cluster): Topology {
  const names = nodeNames(cluster);
  const nic = NIC_BYTES_PER_SECOND[cluster.substrate];
  const nodes: TopologyNode[] = names.map((n) => ({ name: n.name, pool: n.pool, nicBytesPerSecond: nic }));
  const system = names.filter((n) => n.pool === 'system').map((n) => n.name);
  const apps = names.filter((n) => n.pool !== 'system').map((n) => n.name);
  const pods: TopologyPod[] = [];
  const offset = hashKeys(cluster.id, 'placement') % system.length;
  for (const c of COMPONENTS) {
    const prof = COMPONENT_PROFILES[c];
    if (c === 'workload') continue;
    if (prof.replicas === 0) {
      names.forEach((n, i) => pods.push({ name: c === 'kubelet' ? `kubelet-${n.name}` : podName(cluster.id, prof.workloadName, i, true), namespace: prof.namespace, component: c, node: n.name }));
      continue;
    }
    for (let i = 0; i < prof.replicas; i++) {
      pods.push({ name: podName(cluster.id, prof.workloadName, i), namespace: prof.namespace, component: c, node: system[(offset + i) % system.length] });
    }
  }
  WORKLOAD_DEPLOYMENTS.forEach((d, di) => {
    const replicas = 2 + (hashKeys(cluster.id, d) % 3);
    for (let i = 0; i < replicas; i++) {
      pods.push({ name: podName(cluster.id, d, i), namespace: 'apps', component: 'workload', node: apps[(di + i) % apps.length] });
    }
  });
  return { cluster: cluster.id, nodes, pods, dependencies: DEPENDENCIES.map((e) => ({ ...e })) };
}
