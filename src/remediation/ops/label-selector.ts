import type { V1LabelSelector } from '@kubernetes/client-node';

/** Whether labels match a Kubernetes label selector (matchLabels and matchExpressions). An empty selector matches all. */
export function matchesSelector(selector: V1LabelSelector | undefined, labels: Record<string, string> = {}): boolean {
  if (!selector) return false;
  const plain = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  return plain && (selector.matchExpressions ?? []).every((e) => {
    const has = Object.hasOwn(labels, e.key);
    switch (e.operator) {
      case 'In': return has && (e.values ?? []).includes(labels[e.key]);
      case 'NotIn': return !has || !(e.values ?? []).includes(labels[e.key]);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
      default: return false;
    }
  });
}

/** The selector in the `labelSelector=` query form (matchLabels only: enough for owner lookups). */
export function selectorQuery(selector: V1LabelSelector | undefined): string {
  return Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
}
