/** StatefulSet, DaemonSet and ControllerRevision objects in wire format, as the API server answers them. */
type Obj = Record<string, unknown>;

const template = (name: string, image: string) => ({
  metadata: { labels: { app: name } },
  spec: { containers: [{ name: 'main', image }] },
});

export const statefulSet = (ns: string, name: string, o: {
  replicas?: number; ready?: number; available?: number; updated?: number; image?: string;
  currentRevision?: string; updateRevision?: string; generation?: number; observedGeneration?: number;
} = {}): Obj => {
  const replicas = o.replicas ?? 3;
  const revision = o.updateRevision ?? `${name}-r2`;
  return {
    kind: 'StatefulSet',
    metadata: { name, namespace: ns, uid: `uid-${name}`, generation: o.generation ?? 1 },
    spec: { replicas, serviceName: name, selector: { matchLabels: { app: name } }, updateStrategy: { type: 'RollingUpdate' }, template: template(name, o.image ?? `${name}:v2`) },
    status: {
      observedGeneration: o.observedGeneration ?? 1, replicas, readyReplicas: o.ready ?? replicas, availableReplicas: o.available ?? o.ready ?? replicas,
      updatedReplicas: o.updated ?? replicas, currentReplicas: o.updated ?? replicas, currentRevision: o.currentRevision ?? revision, updateRevision: revision,
    },
  };
};

export const daemonSet = (ns: string, name: string, o: {
  desired?: number; updated?: number; available?: number; image?: string; generation?: number; observedGeneration?: number;
} = {}): Obj => {
  const desired = o.desired ?? 5;
  return {
    kind: 'DaemonSet',
    metadata: { name, namespace: ns, uid: `uid-${name}`, generation: o.generation ?? 1 },
    spec: { selector: { matchLabels: { app: name } }, updateStrategy: { type: 'RollingUpdate' }, template: template(name, o.image ?? `${name}:v2`) },
    status: {
      observedGeneration: o.observedGeneration ?? 1, desiredNumberScheduled: desired, currentNumberScheduled: desired, numberMisscheduled: 0,
      numberReady: o.available ?? desired, numberAvailable: o.available ?? desired, updatedNumberScheduled: o.updated ?? desired,
    },
  };
};

/**
 * A ControllerRevision as the StatefulSet/DaemonSet controllers store it: `data` is the strategic-merge
 * patch that restores that revision's pod template (`$patch: replace` on the template).
 */
export const controllerRevision = (ns: string, owner: { kind: 'StatefulSet' | 'DaemonSet'; name: string; uid?: string }, revision: number, image: string): Obj => ({
  apiVersion: 'apps/v1', kind: 'ControllerRevision',
  metadata: {
    name: `${owner.name}-r${revision}-${owner.uid ?? 'own'}`, namespace: ns, labels: { app: owner.name, 'controller-revision-hash': `h${revision}` },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: owner.kind, name: owner.name, uid: owner.uid ?? `uid-${owner.name}`, controller: true }],
  },
  revision,
  data: revisionData(owner.name, image),
});

export const revisionData = (name: string, image: string): Obj => ({ spec: { template: { $patch: 'replace', ...template(name, image) } } });
