/** Scenario sets (`default`, `random`) and the injection of specs into the world. */
import { REGIONS } from './catalog.js';
import { createRng, hashKeys } from './random.js';
import { HOUR, MIN, alignUp, type BuildContext } from './scenario-context.js';
import { CONFOUNDER_KINDS, SCENARIO_KINDS, type ScenarioInstance, type ScenarioSpec } from './scenario-types.js';
import { BAD_ROLLOUT_COMPONENTS, buildBadRollout, buildRegional, buildStoppedReporting } from './scenarios-fleetwide.js';
import { buildCertExpiry, buildDiskPressure, buildNoisyNeighbour, buildOomAfterConfig } from './scenarios-local.js';
import { buildBenignSpike, buildMaintenance, buildUnrelatedDeploy } from './scenarios-confounders.js';

/**
 * One of each kind and confounder; most in the last 24 h (the daily digest's window), two earlier
 * in the week. Regional degradation and cert expiry overlap in time; the unrelated deploy lands on
 * the noisy-neighbour cluster 12 minutes before that incident.
 */
export const DEFAULT_SCENARIOS: readonly ScenarioSpec[] = [
  { kind: 'bad-rollout', component: 'coredns', clusterCount: 40, hoursBeforeEnd: 20 },
  { kind: 'regional-degradation', region: 'eu-west-1', hoursBeforeEnd: 8, durationMinutes: 90 },
  { kind: 'cert-expiry', hoursBeforeEnd: 7.5, durationMinutes: 150 },
  { kind: 'noisy-neighbour-dns', hoursBeforeEnd: 4, durationMinutes: 100 },
  { kind: 'stopped-reporting', hoursBeforeEnd: 2.5 },
  { kind: 'node-disk-pressure', hoursBeforeEnd: 80, durationMinutes: 120 },
  { kind: 'oom-after-config', hoursBeforeEnd: 110, durationMinutes: 90 },
  { kind: 'benign-spike', hoursBeforeEnd: 12, durationMinutes: 25 },
  { kind: 'maintenance-window', hoursBeforeEnd: 15, durationMinutes: 45 },
  { kind: 'unrelated-deploy', during: 3 },
];

/** 2–6 incidents and 1–3 confounders with kinds, places, times and sizes drawn from the seed. */
export function randomScenarios(seed: number, days: number): ScenarioSpec[] {
  const rng = createRng(hashKeys(seed, 'random-scenarios'));
  const specs: ScenarioSpec[] = [];
  const n = rng.int(2, 6);
  const spanHours = days * 24 - 8;
  const when = (): number => (rng.next() < 0.65 ? 1 + rng.next() * 22 : 1 + rng.next() * (spanHours - 2));
  let stopped = false;
  for (let i = 0; i < n; i++) {
    let kind = rng.pick(SCENARIO_KINDS);
    if (kind === 'stopped-reporting' && stopped) kind = 'bad-rollout';
    stopped ||= kind === 'stopped-reporting';
    const hoursBeforeEnd = when();
    specs.push({
      kind, hoursBeforeEnd,
      durationMinutes: rng.next() < 0.15 ? undefined : rng.int(6, 36) * 5,
      magnitude: 0.6 + rng.next(),
      component: kind === 'bad-rollout' ? rng.pick(BAD_ROLLOUT_COMPONENTS) : undefined,
      clusterCount: kind === 'bad-rollout' ? rng.int(5, 60) : undefined,
      region: kind === 'regional-degradation' ? rng.pick(REGIONS.filter((r) => r.substrate !== 'on-prem')).name : undefined,
    });
  }
  const confounders = rng.int(1, 3);
  for (let i = 0; i < confounders; i++) {
    const kind = rng.pick(CONFOUNDER_KINDS);
    specs.push({ kind, hoursBeforeEnd: when(), durationMinutes: kind === 'benign-spike' ? rng.int(3, 8) * 5 : rng.int(6, 12) * 5, magnitude: 0.6 + rng.next(), during: kind === 'unrelated-deploy' ? rng.int(0, n - 1) : undefined });
  }
  return specs;
}

const DEFAULT_DURATION_MIN: Record<string, number> = {
  'bad-rollout': Infinity, 'regional-degradation': 90, 'node-disk-pressure': 120, 'noisy-neighbour-dns': 100, 'cert-expiry': 150,
  'oom-after-config': 90, 'stopped-reporting': Infinity, 'benign-spike': 25, 'maintenance-window': 45, 'unrelated-deploy': 15,
};

type Builder = (ctx: BuildContext, spec: ScenarioSpec, id: string, startMs: number, endMs: number, mag: number) => ScenarioInstance;

const BUILDERS: Record<string, Builder> = {
  'bad-rollout': buildBadRollout, 'regional-degradation': buildRegional, 'stopped-reporting': buildStoppedReporting,
  'node-disk-pressure': buildDiskPressure, 'noisy-neighbour-dns': buildNoisyNeighbour, 'cert-expiry': buildCertExpiry,
  'oom-after-config': buildOomAfterConfig, 'benign-spike': buildBenignSpike, 'maintenance-window': buildMaintenance,
};

/** Inject specs in order (confounders after incidents, so `during` can refer to one). */
export function injectScenarios(ctx: BuildContext, specs: readonly ScenarioSpec[]): ScenarioInstance[] {
  const { startMs: rangeStart, endMs: rangeEnd } = ctx.rangeMs;
  const byIndex = new Map<number, ScenarioInstance>();
  const order = specs.map((s, i) => ({ s, i })).sort((a, b) => Number(a.s.kind === 'unrelated-deploy') - Number(b.s.kind === 'unrelated-deploy'));
  for (const { s, i } of order) {
    const raw = s.startMs ?? rangeEnd - (s.hoursBeforeEnd ?? 12) * HOUR;
    const startMs = Math.min(rangeEnd - ctx.stepMs, Math.max(rangeStart + 6 * HOUR, alignUp(raw, ctx.stepMs)));
    const minutes = s.durationMinutes ?? DEFAULT_DURATION_MIN[s.kind];
    const endMs = Math.min(rangeEnd, Number.isFinite(minutes) ? startMs + minutes * MIN : rangeEnd);
    const id = `sc-${String(i + 1).padStart(2, '0')}-${s.kind}`;
    const mag = s.magnitude ?? 1;
    const inst = s.kind === 'unrelated-deploy'
      ? buildUnrelatedDeploy(ctx, s, id, startMs, endMs, mag, s.during !== undefined ? byIndex.get(s.during) : undefined)
      : BUILDERS[s.kind](ctx, s, id, startMs, endMs, mag);
    byIndex.set(i, inst);
  }
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}
