import { ApiException } from '@kubernetes/client-node';
import { KubeApiError } from '../../../remediation/ops/index.js';
import { KubeStatus } from './schema.js';

/** An ApiException (or network failure) as a KubeApiError carrying the server's Status message. */
export function toKubeApiError(err: unknown, what: string): unknown {
  if (err instanceof KubeApiError) return err;
  if (!(err instanceof ApiException)) return err;
  const code = Number(err.code);
  let parsed: KubeStatus | undefined;
  try {
    parsed = KubeStatus.safeParse(JSON.parse(String(err.body))).data;
  } catch {
    parsed = undefined;
  }
  const headers = (err.headers ?? {}) as Record<string, string>;
  const retryAfter = Number(headers['retry-after']);
  const message = `${what}: HTTP ${code}${parsed?.reason ? ` ${parsed.reason}` : ''}${parsed?.message ? `: ${parsed.message}` : ''}`;
  return new KubeApiError(message, code, { reason: parsed?.reason, retryAfterSeconds: Number.isFinite(retryAfter) ? retryAfter : undefined }, { cause: err });
}
