import { safeCut } from '../../reporting/slack/escape-slack-text.js';
import type { ChangeSource } from '../../adapters/changes/types.js';
import type { EventSource, KubeEvent } from '../../adapters/events/types.js';
import { inComponentNamespace } from '../../adapters/logs/namespace-scope.js';
import type { LogLine, LogSearch } from '../../adapters/logs/types.js';
import type { IncidentGroup } from '../../correlate/incident-group.js';
import { fmt, iso, type EvidenceDraft } from './evidence-row.js';
import type { EvidencePlan } from './evidence-plan.js';
import { maskLine } from '../log-templates.js';
import { notConfiguredEvidence } from './not-configured-evidence.js';
import { compareText } from '../../core/compare-text.js';

/** The first `n` UTF-16 units of a message, never half a surrogate pair. */
const cut = (s: string, n: number): string => s.slice(0, safeCut(s, n));

const MIN = 60_000;

/** Kubernetes events of the sampled clusters, counted by reason (with the objects and nodes involved). */
export async function eventEvidence(events: EventSource, plan: EvidencePlan, abortSignal?: AbortSignal): Promise<EvidenceDraft[]> {
  const startMs = plan.onsetMs - 60 * MIN;
  if (events.configured === false) return [notConfiguredEvidence('events', plan.sampled, startMs, plan.during.endMs)];
  const list = await events.listEvents({ clusters: plan.sampled, startMs, endMs: plan.during.endMs, limit: 1000, abortSignal });
  const query = `events of ${plan.sampled.join(', ')} in [${iso(startMs)}, ${iso(plan.during.endMs)}) limit 1000`;
  const by = new Map<string, KubeEvent[]>();
  for (const e of list) by.set(`${e.cluster}\u0000${e.reason}`, [...(by.get(`${e.cluster}\u0000${e.reason}`) ?? []), e]);
  return [...by.values()].map((es) => {
    const count = es.reduce((n, e) => n + e.count, 0);
    const first = es.reduce((a, e) => (e.tsMs < a.tsMs ? e : a));
    // one object per kind, namespace and name: a same-named object in another namespace is another object;
    // the 10 nearest the cluster's onset (a busy cluster schedules pods all hour: the noisy one came just before it)
    const onsetMs = plan.clusterOnsetMs.get(first.cluster) ?? plan.onsetMs;
    const objects = [...new Map(es.map((e) => [`${e.involvedKind}\u0000${e.namespace}\u0000${e.involvedName}`, { name: e.involvedName, kind: e.involvedKind, namespace: e.namespace, node: e.node ?? '', tsMs: e.tsMs }])).values()]
      .sort((a, b) => Math.abs(a.tsMs - onsetMs) - Math.abs(b.tsMs - onsetMs) || a.tsMs - b.tsMs).slice(0, 10);
    return { es, count, first, objects };
  }).sort((a, b) => Number(b.first.type === 'Warning') - Number(a.first.type === 'Warning') || b.count - a.count).slice(0, 12 * plan.sampled.length)
    .map(({ es, count, first, objects }) => ({
      source: 'events' as const, query, startMs, endMs: plan.during.endMs,
      excerpt: `${count}× ${first.reason} (${first.type}) in ${first.cluster} on ${objectNames(objects).slice(0, 3).join(', ')}: "${cut(first.message, 160)}"`,
      data: { fact: 'event-reason', cluster: first.cluster, reason: first.reason, type: first.type, count, events: es.length, firstMs: first.tsMs, objects, message: first.message.slice(0, 300) },
    }));
}

/** Names, with the namespace where two objects share a name. */
function objectNames(objects: { name: string; namespace: string }[]): string[] {
  const shared = new Set(objects.map((o) => o.name).filter((n, i, all) => all.indexOf(n) !== i));
  return objects.map((o) => (shared.has(o.name) && o.namespace ? `${o.namespace}/${o.name}` : o.name));
}

/**
 * Lines asked of each search (before and from the onset). Log stores cap a search (OpenSearch's
 * adapter at 500 by default) and answer newest first: one search over both windows came back with
 * only post-onset lines under load, so everything looked like it started at the onset.
 */
export const LOG_WINDOW_LIMIT = 500;

/** One search's answer; `cut` when it held LOG_WINDOW_LIMIT lines, then complete only from its oldest line on. */
interface LogAnswer { lines: LogLine[]; cut: boolean; coveredFromMs: number }

/** A window's answers: every component's, and the incident's own components' when that one was cut. */
interface LogWindow { all: LogAnswer; own?: LogAnswer }

/**
 * Warning and error log lines of the sampled clusters, templated and counted, before and from each
 * cluster's onset: a line logged as often before the onset as after it (always there) explains nothing.
 * Each window is searched on its own for warning and error lines (the store leaves out lines its level
 * field marks as info or debug; lines it cannot judge are judged here by their message). A window whose
 * answer was cut is searched again for the incident's own components, so the lines of busier workloads
 * cannot crowd theirs out; a line both answers hold counts once. A cut answer's rate is taken over the
 * span its lines cover (newest first: from its oldest line on) and its counts are lower bounds, said so
 * in the excerpt. At most four searches.
 */
export async function logEvidence(logs: LogSearch, plan: EvidencePlan, abortSignal?: AbortSignal, template: (m: string) => string = (m) => maskLine(m)): Promise<EvidenceDraft[]> {
  const startMs = plan.onsetMs - 30 * MIN;
  const endMs = plan.during.endMs;
  if (logs.configured === false) return [notConfiguredEvidence('logs', plan.sampled, startMs, endMs)];
  const [early, late] = await Promise.all([[startMs, plan.onsetMs], [plan.onsetMs, endMs]].map(([from, to]) => searchWindow(logs, plan, from, to, abortSignal)));
  const lines = [early, late].flatMap((w) => mergeAnswers(w.own ? [w.own.lines, w.all.lines] : [w.all.lines]))
    .filter((l) => (l.level === 'warn' || l.level === 'error') && inComponentNamespace(l, plan.componentNamespaces));
  const onsetOf = (cluster: string) => plan.clusterOnsetMs.get(cluster) ?? plan.onsetMs;
  const own = plan.components.length > 0 ? `, and where that was cut the newest ${LOG_WINDOW_LIMIT} of ${plan.components.join(', ')}` : '';
  const query = `logs of ${plan.sampled.join(', ')} in [${iso(startMs)}, ${iso(plan.onsetMs)}) and [${iso(plan.onsetMs)}, ${iso(endMs)}), warning and error lines: the newest ${LOG_WINDOW_LIMIT} of each window${own}; a component's only from its namespaces`;
  const by = new Map<string, { n: number; before: number; line: LogLine; pods: Set<string>; nodes: Set<string>; firstMs: number; tpl: string }>();
  for (const l of lines) {
    const tpl = template(l.message);
    const key = `${l.cluster}\u0000${l.namespace}\u0000${l.component}\u0000${l.level}\u0000${tpl}`;
    const g = by.get(key) ?? { n: 0, before: 0, line: l, pods: new Set(), nodes: new Set(), firstMs: l.tsMs, tpl };
    g.n++;
    if (l.tsMs < onsetOf(l.cluster)) g.before++;
    g.pods.add(l.pod);
    if (l.node) g.nodes.add(l.node);
    g.firstMs = Math.min(g.firstMs, l.tsMs);
    by.set(key, g);
  }
  const rank = (lvl: string) => ({ error: 3, warn: 2, info: 1, debug: 0 })[lvl] ?? 0;
  return [...by.values()].sort((a, b) => rank(b.line.level) - rank(a.line.level) || b.n - a.n || compareText(a.tpl, b.tpl)).slice(0, 10 * plan.sampled.length)
    .map((g) => {
      const span = coverage(plan, early, late, g.line.component, onsetOf(g.line.cluster), endMs);
      const rose = risen(g.before, span.before, g.n - g.before, span.after);
      const unchecked = namespaceUnchecked(g.line, plan);
      const atLeast = span.cut ? 'at least ' : '';
      const read = span.own ? `the newest ${LOG_WINDOW_LIMIT} lines of ${plan.components.join(', ')} in each window` : `the newest ${LOG_WINDOW_LIMIT} lines of each window`;
      return {
        source: 'logs' as const, query, startMs, endMs,
        excerpt: `${atLeast}${g.n}× ${g.line.level} from ${g.line.component} in ${g.line.cluster} (${[...g.pods].slice(0, 2).join(', ')}), ${atLeast}${g.before} of them before the onset${rose ? '' : ' (as often as after it)'}${span.cut ? ` (${read} were read, warnings and errors only; rates over the time they cover)` : ''}${unchecked ? ` (${unchecked})` : ''}: "${cut(g.line.message, 180)}"`,
        data: { fact: 'log-template', cluster: g.line.cluster, component: g.line.component, level: g.line.level, template: g.tpl, example: g.line.message.slice(0, 300), count: g.n, countBeforeOnset: g.before, rose, ...(span.cut ? { sampled: true } : {}), ...(unchecked ? { namespaceUnchecked: true } : {}), pods: [...g.pods].sort().slice(0, 10), nodes: [...g.nodes].sort(), namespace: g.line.namespace, firstMs: g.firstMs },
      };
    });
}

/** One window's search for warning and error lines, and for the incident's own components when it was cut. */
async function searchWindow(logs: LogSearch, plan: EvidencePlan, fromMs: number, toMs: number, abortSignal?: AbortSignal): Promise<LogWindow> {
  const ask = async (components?: string[]): Promise<LogAnswer> => {
    const lines = await logs.search({ clusters: plan.sampled, startMs: fromMs, endMs: toMs, limit: LOG_WINDOW_LIMIT, problemsOnly: true, ...(components ? { components } : {}), componentNamespaces: plan.componentNamespaces, abortSignal });
    const wasCut = lines.length >= LOG_WINDOW_LIMIT;
    // a store that ignores the component filter: the other lines are the broad answer's business
    const kept = components ? lines.filter((l) => components.includes(l.component)) : lines;
    return { lines: kept, cut: wasCut, coveredFromMs: wasCut ? lines.reduce((t, l) => Math.min(t, l.tsMs), toMs) : fromMs };
  };
  if (fromMs >= toMs) return { all: { lines: [], cut: false, coveredFromMs: fromMs } };
  const all = await ask();
  // an uncut answer already holds every line of the incident's components
  return all.cut && plan.components.length > 0 ? { all, own: await ask(plan.components) } : { all };
}

/** The lines of several answers, each once: by the store's id, else by content (as often as in the answer holding it most). */
function mergeAnswers(answers: LogLine[][]): LogLine[] {
  const kept = new Map<string, number>();
  const out: LogLine[] = [];
  for (const answer of answers) {
    const seen = new Map<string, number>();
    for (const l of answer) {
      const key = l.id ?? `${l.tsMs}\u0000${l.cluster}\u0000${l.namespace}\u0000${l.pod}\u0000${l.message}`;
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      if (n > (kept.get(key) ?? 0)) {
        kept.set(key, n);
        out.push(l);
      }
    }
  }
  return out;
}

/**
 * Minutes each side of a cluster's onset that the answers cover for a component's lines (a cluster's
 * onset may fall after the group's): an incident component's from the earlier of its window's two
 * answers. `cut` when some of them are missing; `own` when its own search was read.
 */
function coverage(plan: EvidencePlan, early: LogWindow, late: LogWindow, component: string, onsetMs: number, endMs: number): { before: number; after: number; cut: boolean; own: boolean } {
  const mine = plan.components.includes(component);
  const of = (w: LogWindow) => (w.own && mine ? { fromMs: Math.min(w.own.coveredFromMs, w.all.coveredFromMs), cut: w.own.cut && w.all.cut } : { fromMs: w.all.coveredFromMs, cut: w.all.cut });
  const [e, l] = [of(early), of(late)];
  const lateGap = Math.max(0, Math.min(onsetMs, l.fromMs) - plan.onsetMs);
  return {
    before: (plan.onsetMs - e.fromMs + Math.max(0, onsetMs - plan.onsetMs) - lateGap) / MIN, after: (endMs - Math.max(onsetMs, l.fromMs)) / MIN,
    cut: e.cut || l.cut, own: mine && (early.own !== undefined || late.own !== undefined),
  };
}

/**
 * Why a row's lines were not checked to come from their component's namespace: none is known for the
 * incident's component, or the lines of a scoped component name none. Undefined when checked.
 */
function namespaceUnchecked(line: { component: string; namespace: string }, plan: EvidencePlan): string | undefined {
  if (plan.unscopedComponents.includes(line.component)) return `no namespace is known for ${line.component}: its lines from every namespace were read`;
  if (line.namespace === '' && Object.hasOwn(plan.componentNamespaces, line.component)) return `the lines name no namespace: not checked to be ${line.component}'s own in ${plan.componentNamespaces[line.component].join(', ')}`;
  return undefined;
}

/** Logged at least twice as often per minute from the onset as before it (or only from it). */
function risen(before: number, beforeMinutes: number, after: number, afterMinutes: number): boolean {
  if (before === 0) return after > 0;
  return after / Math.max(1, afterMinutes) >= 2 * (before / Math.max(1, beforeMinutes));
}

/** Deploys, config changes and maintenance on every affected cluster near onset, with versions. */
export async function changeEvidence(changes: ChangeSource, group: IncidentGroup, plan: EvidencePlan, abortSignal?: AbortSignal): Promise<EvidenceDraft[]> {
  const startMs = plan.onsetMs - 6 * 60 * MIN;
  const clusters = group.clusters.slice(0, 500);
  if (changes.configured === false) return [notConfiguredEvidence('changes', group.clusters, startMs, plan.during.endMs)];
  const list = await changes.listChanges({ clusters, startMs, endMs: plan.during.endMs, abortSignal });
  const query = `changes of ${clusters.length} affected clusters in [${iso(startMs)}, ${iso(plan.during.endMs)})`;
  const rel = (c: (typeof list)[number]) => (plan.clusterOnsetMs.get(c.cluster) ?? plan.onsetMs) - c.tsMs;
  return list.sort((a, b) => Math.abs(rel(a)) - Math.abs(rel(b)) || compareText(a.id, b.id)).slice(0, 60).map((c) => {
    const minutes = rel(c) / MIN;
    const when = minutes >= 0 ? `${fmt(minutes)} min before onset` : `${fmt(-minutes)} min after onset`;
    const versions = c.fromVersion || c.toVersion ? ` ${c.fromVersion ?? '?'} → ${c.toVersion ?? '?'}` : '';
    return {
      source: 'changes' as const, query, startMs, endMs: plan.during.endMs,
      excerpt: `${c.kind} of ${c.component}${versions} on ${c.cluster} at ${iso(c.tsMs)} (${when}, ${c.status}, by ${c.author}): ${cut(c.description, 160)}`,
      data: { fact: 'change', change: { ...c }, minutesBeforeOnset: Math.round(minutes * 10) / 10 },
    };
  });
}
