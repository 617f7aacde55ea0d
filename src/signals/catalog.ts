import { createHash } from 'node:crypto';
import { describeIssues } from '../core/config/format-issues.js';
import { ConfigError } from '../core/errors.js';
import { checkPromqlTemplate } from './check-promql-template.js';
import { DEFAULT_COMPONENT_MATCHERS, componentMatchersOf } from './component-matchers.js';
import { defaultSignalDefinitions } from './default-signals.js';
import { SignalDefinition } from './schema.js';

/** One signal of one component, with its template ready for the planner. */
export interface CatalogEntry extends SignalDefinition {
  /** Concrete component id (never `*`). */
  component: string;
}

export interface SignalCatalog {
  readonly entries: readonly CatalogEntry[];
  /** Entries of `signal`, restricted to `component` when given; empty for an unknown signal. */
  entriesFor(signal: string, component?: string): CatalogEntry[];
}

export interface BuildCatalogOptions {
  /** Component → label matchers substituted for `{{componentMatcher}}`; defaults cover COMPONENTS. */
  componentMatchers?: Readonly<Record<string, string>>;
  /** Leave the built-in signals out (tests, or a fully user-defined catalog). */
  withDefaults?: boolean;
}

/**
 * The built-in catalog plus the user's signals (validated; a user entry replaces a built-in one with
 * the same signal id and component). Throws ConfigError naming the first bad signal.
 */
export function buildCatalog(userSignals: readonly unknown[] = [], opts: BuildCatalogOptions = {}): SignalCatalog {
  const matchers = opts.componentMatchers ?? DEFAULT_COMPONENT_MATCHERS;
  const user = userSignals.map((raw, i) => parseUserSignal(raw, i));
  const defs = [...(opts.withDefaults === false ? [] : defaultSignalDefinitions()), ...user];
  const byKey = new Map<string, CatalogEntry>();
  for (const def of defs) {
    for (const entry of expand(def, matchers)) byKey.set(`${entry.id}\u0000${entry.component}`, entry);
  }
  const entries = [...byKey.values()];
  return {
    entries,
    entriesFor: (signal, component) => entries.filter((e) => e.id === signal && (component === undefined || e.component === component)),
  };
}

/** The catalog a config asks for: its signals, and its `components` matchers over the built-in ones. */
export function configCatalog(config: { signals: readonly unknown[]; components?: Readonly<Record<string, string>> }): SignalCatalog {
  return buildCatalog(config.signals, { componentMatchers: componentMatchersOf(config.components) });
}

function parseUserSignal(raw: unknown, index: number): SignalDefinition {
  const parsed = SignalDefinition.safeParse(raw);
  const name = describe(raw, index);
  if (!parsed.success) {
    const [problem] = describeIssues(parsed.error.issues, SignalDefinition, raw);
    throw new ConfigError(`signal ${name}: ${problem.field}: ${problem.message}; fix the signals section of the config`, { cause: parsed.error, path: ['signals', index, ...problem.path.map((k) => (typeof k === 'number' ? k : String(k)))] });
  }
  const problem = checkPromqlTemplate(parsed.data.promql, { needsComponentMatcher: parsed.data.component === '*' });
  if (problem) throw new ConfigError(`signal ${name}: malformed PromQL template: ${problem}; fix its promql field`, { path: ['signals', index, 'promql'] });
  return parsed.data;
}

function describe(raw: unknown, index: number): string {
  const obj = (raw ?? {}) as { id?: unknown; component?: unknown };
  const id = typeof obj.id === 'string' ? obj.id : `#${index}`;
  return typeof obj.component === 'string' ? `${id} (${obj.component})` : id;
}

/**
 * `component: '*'` → one entry per component matcher, the matcher inlined into the template; its
 * `recordingRule`, if any, is a prefix: `<prefix>:<component>:<id>`. None without one: a user entry
 * replacing a built-in would otherwise read the shipped rule of the built-in, not its own template.
 */
function expand(def: SignalDefinition, matchers: Readonly<Record<string, string>>): CatalogEntry[] {
  if (def.component !== '*') return [def];
  return Object.entries(matchers).map(([component, matcher]) => ({
    ...def,
    component,
    promql: def.promql.replace(/\{\{\s*componentMatcher\s*\}\}/g, matcher),
    recordingRule: def.kind === 'golden' && def.recordingRule ? `${def.recordingRule}:${ruleComponent(component, matcher)}:${def.id}` : undefined,
  }));
}

/**
 * The component's part of a recording-rule name. A matcher other than the built-in one (the config's
 * `components`) adds a hash of it: the shipped rules, recorded with the built-in matcher, then do not
 * match the name and are never read for it; rules rendered from the config (`fleetops rules`) do.
 */
function ruleComponent(component: string, matcher: string): string {
  const name = component.replace(/-/g, '_');
  if (DEFAULT_COMPONENT_MATCHERS[component] === matcher) return name;
  return `${name}_${createHash('sha256').update(matcher).digest('hex').slice(0, 8)}`;
}
