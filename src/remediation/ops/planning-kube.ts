import type { ArgoCdApi } from './argo-cd-api.js';
import type { KubeApi, Workload } from './kube-api.js';

/**
 * A KubeApi that reads through to `reads` and performs no write: writes answer with the object as
 * read, evicted pods disappear from later listings. Wrapped in recordingKube it yields the exact
 * calls an execution would make (the dry-run preview), without changing the cluster.
 */
export function planningKube(reads: KubeApi): KubeApi {
  const evicted = new Set<string>();
  // workloads as planned merge patches left them, so a later step reads what an execution would read
  // (a restart that holds the strategy then plans to put it back); JSON patches are not replayed
  const planned = new Map<string, Workload>();
  const key = (kind: string, ns: string, name: string) => `${kind}/${ns}/${name}`;
  const readWorkload: KubeApi['readWorkload'] = async (kind, ns, name) => planned.get(key(kind, ns, name)) ?? reads.readWorkload(kind, ns, name);
  const notEvicted = <T extends { metadata?: { namespace?: string; name?: string } }>(pods: T[]) =>
    pods.filter((p) => !evicted.has(`${p.metadata?.namespace}/${p.metadata?.name}`));
  return {
    ...reads,
    cluster: reads.cluster,
    server: reads.server,
    readWorkload,
    patchWorkload: async (kind, ns, name, patch, strategy) => {
      const current = await readWorkload(kind, ns, name);
      if (strategy === 'json') return current;
      const next = strategicMerge(current, patch) as Workload;
      planned.set(key(kind, ns, name), next);
      return next;
    },
    replaceScale: async (_kind, _ns, _name, scale) => scale,
    patchHpa: async (ns, name) => (await reads.listHpas(ns)).find((h) => h.metadata?.name === name) ?? {},
    patchNode: (name) => reads.readNode(name),
    listPodsOnNode: async (node) => notEvicted(await reads.listPodsOnNode(node)),
    listActivePods: async () => notEvicted(await reads.listActivePods()),
    evictPod: async (ns, name) => { evicted.add(`${ns}/${name}`); },
  };
}

/** An ArgoCdApi that reads through and performs no write. */
export function planningArgo(reads: ArgoCdApi): ArgoCdApi {
  return {
    getApplication: (app) => reads.getApplication(app),
    runResourceAction: async () => undefined,
    setAutomatedSync: async () => undefined,
    rollback: async () => undefined,
  };
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A strategic merge patch as the API server applies the ones the operations send: maps merge, null
 * deletes, lists of named items (containers) merge by name, `$patch: replace` replaces the map.
 */
export function strategicMerge(target: unknown, patch: unknown): unknown {
  if (!isMap(patch)) return patch;
  if (patch.$patch === 'replace') {
    const { $patch: _directive, ...rest } = patch;
    return rest;
  }
  const out: Record<string, unknown> = isMap(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    const cur = out[k];
    if (v === null) delete out[k];
    else if (Array.isArray(v) && Array.isArray(cur) && v.every((i) => isMap(i) && typeof i.name === 'string')) {
      const merged = [...cur];
      for (const item of v as Record<string, unknown>[]) {
        const i = merged.findIndex((m) => isMap(m) && m.name === item.name);
        if (i >= 0) merged[i] = strategicMerge(merged[i], item);
        else merged.push(item);
      }
      out[k] = merged;
    } else out[k] = strategicMerge(cur, v);
  }
  return out;
}
