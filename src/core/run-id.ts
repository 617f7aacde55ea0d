import { randomBytes } from 'node:crypto';

/** Sortable run id: job name, UTC time to the second, and a random suffix. */
export function newRunId(job: string, nowMs: number): string {
  const t = new Date(nowMs).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${job}-${t}-${randomBytes(3).toString('hex')}`;
}
