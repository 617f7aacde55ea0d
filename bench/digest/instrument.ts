/**
 * Timing around the digest job's injected dependencies (engine, ports, store, sinks), without
 * changing what they do: every wrapped method is called with the same arguments and its result or
 * error is passed through. Phase marks (first/last call of a kind) split the job's sequential run.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { Adapters } from '../../src/adapters/index.js';
import type { Store } from '../../src/adapters/store/types.js';
import type { DigestEngine } from '../../src/digest/rca-contract.js';

/** Wall and CPU time at one moment. */
export interface Instant { wallMs: number; cpuMs: number }
/** Calls of one kind: count, summed time from call to settle (calls running at once overlap), most at once. */
export interface CallTally { calls: number; ms: number; maxInFlight: number }

const now = (): Instant => {
  const c = process.cpuUsage();
  return { wallMs: performance.now(), cpuMs: (c.user + c.system) / 1000 };
};

/** The marks `phases` reads: only these take the time (a CPU reading per call costs ~1 µs). */
const BOUNDARIES = new Set(['engine.correlate:start', 'engine.correlate:end', 'engine.collectEvidence:start', 'store.rcas.upsert:end', 'docs.upsertDocument:start', 'store.incidents.list:start']);

export class Recorder {
  readonly calls = new Map<string, CallTally>();
  readonly first = new Map<string, Instant>();
  readonly last = new Map<string, Instant>();
  private readonly inFlight = new Map<string, number>();

  mark(name: string): void {
    if (!BOUNDARIES.has(name)) return;
    const t = now();
    if (!this.first.has(name)) this.first.set(name, t);
    this.last.set(name, t);
  }

  /** Runs `fn`, adding its time (to settle, for a promise) to `name` and marking `name:start`/`name:end`. */
  time<T>(name: string, fn: () => T): T {
    this.mark(`${name}:start`);
    const t0 = performance.now();
    const tally = this.calls.get(name) ?? { calls: 0, ms: 0, maxInFlight: 0 };
    this.calls.set(name, tally);
    const running = (this.inFlight.get(name) ?? 0) + 1;
    this.inFlight.set(name, running);
    tally.maxInFlight = Math.max(tally.maxInFlight, running);
    const done = () => {
      tally.calls += 1;
      tally.ms += performance.now() - t0;
      this.inFlight.set(name, (this.inFlight.get(name) ?? 1) - 1);
      this.mark(`${name}:end`);
    };
    let out: T;
    try {
      out = fn();
    } catch (err) {
      done();
      throw err;
    }
    if (out instanceof Promise) return out.finally(done) as T;
    done();
    return out;
  }

  /** The same object with every method timed as `<prefix>.<method>`. */
  wrap<T extends object>(prefix: string, target: T): T {
    return new Proxy(target, {
      get: (obj, prop, receiver) => {
        const value = Reflect.get(obj, prop, receiver) as unknown;
        if (typeof value !== 'function' || typeof prop !== 'string') return value;
        return (...args: unknown[]) => this.time(`${prefix}.${prop}`, () => (value as (...a: unknown[]) => unknown).apply(obj, args));
      },
    });
  }
}

/** Store repos the digest uses, each method timed as `store.<repo>.<method>`. */
function wrapStore(rec: Recorder, store: Store): Store {
  const repos = ['anomalies', 'incidents', 'evidence', 'rcas', 'proposals', 'feedback', 'publications', 'audit', 'approvals'] as const;
  const wrapped = { ...store } as Store;
  for (const r of repos) (wrapped as unknown as Record<string, unknown>)[r] = rec.wrap(`store.${r}`, store[r]);
  return wrapped;
}

/** The adapters with the digest's ports, store and sinks timed; `close` and the rest pass through. */
export function instrumentAdapters(rec: Recorder, a: Adapters): Adapters {
  const memo = <T extends object>(name: string, make: () => T) => {
    let v: T | undefined;
    return () => (v ??= rec.wrap(name, make()));
  };
  let store: Promise<Store> | undefined;
  return {
    ...a,
    inventory: memo('inventory', a.inventory), metrics: memo('metrics', a.metrics), logs: memo('logs', a.logs),
    events: memo('events', a.events), changes: memo('changes', a.changes), chat: memo('chat', a.chat), docs: memo('docs', a.docs),
    store: () => (store ??= a.store().then((s) => wrapStore(rec, s))),
  };
}

export function instrumentEngine(rec: Recorder, e: DigestEngine): DigestEngine {
  return {
    correlate: (findings, clusters, opts) => rec.time('engine.correlate', () => e.correlate(findings, clusters, opts)),
    collectEvidence: (group, ports, ctx) => rec.time('engine.collectEvidence', () => e.collectEvidence(group, ports, ctx)),
    analyseGroup: (group, evidence, ctx) => rec.time('engine.analyseGroup', () => e.analyseGroup(group, evidence, ctx)),
  };
}

export interface Phase { name: string; what: string; wallMs: number; cpuMs: number }

/**
 * The job's sequential phases from the marks: read (findings, maintenance windows, inventory) →
 * correlate → prepare (knowledge, feedback priors) → groups (evidence, RCA, narrative, rows; 4 at
 * once) → model (digest model, SLO table, document render) → publish (document, Slack parent and
 * replies) → supersede. A phase with no mark (no groups, a sink that failed first) is left out.
 */
export function phases(rec: Recorder, start: Instant, end: Instant): Phase[] {
  const f = (k: string) => rec.first.get(k);
  const l = (k: string) => rec.last.get(k);
  const bounds: [string, string, Instant | undefined][] = [
    ['read', 'findings of the day, maintenance filter, inventory', start],
    ['correlate', 'engine.correlate', f('engine.correlate:start')],
    ['prepare', 'knowledge, feedback priors', l('engine.correlate:end')],
    ['groups', 'per group: evidence, RCA, symptom/proposal, narrative, rows (4 at once)', f('engine.collectEvidence:start')],
    ['model', 'digest model, SLO summary, document render', l('store.rcas.upsert:end')],
    ['publish', 'document, Slack parent, one reply per group', f('docs.upsertDocument:start')],
    ['supersede', 'earlier groups of the day', f('store.incidents.list:start')],
  ];
  return stagesBetween(bounds, end);
}

/** Stages from their start marks (absent marks dropped), each running to the next stage's start or `end`. */
export function stagesBetween(bounds: readonly [name: string, what: string, at: Instant | undefined][], end: Instant): Phase[] {
  const present = bounds.filter((b): b is [string, string, Instant] => b[2] !== undefined).sort((a, b) => a[2].wallMs - b[2].wallMs);
  return present.map(([name, what, at], i) => {
    const to = present[i + 1]?.[2] ?? end;
    return { name, what, wallMs: to.wallMs - at.wallMs, cpuMs: to.cpuMs - at.cpuMs };
  });
}

export { now as instant };

/** `--cpu-profile FILE`: a V8 CPU profile from now until `stop()` writes it to FILE (no file: nothing). */
export async function cpuProfile(file: string | undefined): Promise<{ stop(): Promise<void> }> {
  if (!file) return { stop: async () => undefined };
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}
