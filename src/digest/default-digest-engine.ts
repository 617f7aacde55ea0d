import { correlate } from '../correlate/index.js';
import { analyseGroup, collectEvidence } from '../rca/engine.js';
import type { DigestEngine } from './rca-contract.js';

/** The real correlation and RCA engine, as the digest calls it. */
export function createDefaultDigestEngine(): DigestEngine {
  return {
    correlate: (findings, clusters, opts) => correlate(findings, clusters, { day: opts?.day }),
    collectEvidence: (group, ports, ctx) => collectEvidence(group, ports, ctx),
    analyseGroup: (group, evidence, ctx) => analyseGroup(group, evidence, ctx as Parameters<typeof analyseGroup>[2]),
  };
}
