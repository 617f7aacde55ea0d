import { z } from 'zod';

/** Placeholders a PromQL template may use; the planner fills them per query. */
export const PLACEHOLDERS = ['clusterLabel', 'clusterMatcher', 'componentMatcher', 'rateWindow', 'stepSeconds'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

const promName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * One signal as written in config (and in the built-in catalog). `component: '*'` expands the
 * template once per entry of the component-matcher table (`{{componentMatcher}}` required).
 */
export const SignalDefinition = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'a lower_snake_case id such as cpu_saturation'),
  component: z.string().min(1),
  promql: z.string().min(1),
  unit: z.enum(['ratio', 'seconds', 'per_second', 'bytes', 'count']),
  /** Which direction of change hurts users. */
  badDirection: z.enum(['up', 'down']),
  /** Default SLO target, in the signal's unit (availability: 0.999). */
  slo: z.number().optional(),
  /** Name of a recording rule holding this expression pre-aggregated by cluster (+ labels); for `component: '*'`, its prefix. */
  recordingRule: z.string().regex(promName, 'a valid metric name').optional(),
  /** Extra grouping labels kept on the series (drill-down: node, pod). */
  labels: z.array(z.string().regex(labelName)).default([]),
  kind: z.enum(['golden', 'drilldown']).default('golden'),
  description: z.string().optional(),
});
export type SignalDefinition = z.infer<typeof SignalDefinition>;

export const SignalDefinitions = z.array(SignalDefinition);
export type SignalDefinitions = z.infer<typeof SignalDefinitions>;
