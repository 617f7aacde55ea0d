const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const QUANTITY = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/;

/** A Kubernetes resource quantity (`500m`, `2`, `128Mi`, `1e9`) in base units (cores, bytes). */
export function parseQuantity(text: string | number | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (typeof text === 'number') return text;
  const m = QUANTITY.exec(text.trim());
  if (!m) return undefined;
  const suffix = m[2] ?? '';
  const factor = BINARY[suffix] ?? DECIMAL[suffix];
  return Number(m[1]) * factor;
}

export type ResourceName = 'cpu' | 'memory';

/** Formats a raised value the way people write it: CPU in whole millicores, memory in whole MiB. */
export function formatQuantity(resource: ResourceName, value: number): string {
  return resource === 'cpu' ? `${Math.ceil(value * 1000)}m` : `${Math.ceil(value / 2 ** 20)}Mi`;
}
