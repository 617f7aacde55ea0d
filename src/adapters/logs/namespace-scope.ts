import type { LogLine } from './types.js';

/** Component → the namespaces its lines may come from, e.g. `{ coredns: ['kube-system'] }`. */
export type ComponentNamespaces = Readonly<Record<string, readonly string[]>>;

/**
 * Whether a line may count as its component's: a component listed in `scope` only from one of its
 * namespaces (a same-named workload elsewhere is another workload); unlisted components from any. A
 * line naming no namespace cannot be checked and is kept (the RCA says so).
 */
export function inComponentNamespace(line: Pick<LogLine, 'component' | 'namespace'>, scope: ComponentNamespaces | undefined): boolean {
  const namespaces = scope && Object.hasOwn(scope, line.component) ? scope[line.component] : undefined;
  return namespaces === undefined || line.namespace === '' || namespaces.includes(line.namespace);
}
