import { z } from 'zod';

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
/** Comma-separated PromQL label matchers (name, =, !=, =~ or !~, a double-quoted string); empty for none. */
const LABEL_MATCHERS = /^\s*(?:[A-Za-z_][A-Za-z0-9_]*\s*(?:=~|!~|!=|=)\s*"(?:[^"\\\n]|\\.)*"\s*(?:,\s*[A-Za-z_][A-Za-z0-9_]*\s*(?:=~|!~|!=|=)\s*"(?:[^"\\\n]|\\.)*"\s*)*)?$/;

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Minutes a person would have spent on each item the report and the jobs did for them. */
const ToilMinutes = z.strictObject({
  /** Writing the weekly handoff report by hand. */
  report: z.number().min(0).max(24 * 60).default(120),
  /** Drafting one first-level RCA. */
  rca: z.number().min(0).max(24 * 60).default(30),
  /** Running one remediation by hand (executed through a safe operation instead). */
  remediation: z.number().min(0).max(24 * 60).default(20),
  /** Triaging one alert episode that was grouped into an incident automatically. */
  groupedAlert: z.number().min(0).max(24 * 60).default(2),
});

/** `report:` section of the config (the lead adds it to FleetopsConfig as `report: ReportConfig.prefault({})`). */
export const ReportConfig = z.strictObject({
  /** The on-call rotation's handoff: a report covers [handoff, next handoff) in this time zone. */
  handoff: z.strictObject({
    weekday: z.enum(WEEKDAYS).default('monday'),
    time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24 h)').default('09:00'),
    timeZone: z.string().refine(isTimeZone, 'expected an IANA time zone such as Europe/Berlin').default('UTC'),
  }).prefault({}),
  /** Reaction (name without colons) that marks an on-call thread resolved. */
  resolutionReaction: z.string().regex(/^[a-z0-9_+'-]+$/, 'expected a reaction name without colons').default('white_check_mark'),
  /** A reply containing one of these words (not negated) marks the thread resolved. */
  resolutionWords: z.array(z.string().min(2)).min(1).default(['resolved', 'fixed', 'mitigated']),
  toilMinutes: ToilMinutes.prefault({}),
  /** Rows of the top-alerts table. */
  topAlerts: z.number().int().min(1).max(50).default(10),
  /** Fire/resolve cycles of one label set in a week that make it "flapping". */
  flappingMinCycles: z.number().int().min(2).max(1000).default(3),
  /** Step of the grid the Prometheus alert history reads ALERTS samples on (what a range query at this step answers). */
  alertHistoryStepSeconds: z.number().int().min(15).max(3600).default(60),
  /**
   * Label matchers added to every ALERTS read of the Prometheus alert history, PromQL syntax without
   * braces. The default leaves out kube-prometheus's always-firing Watchdog and InfoInhibitor: one per
   * cluster, they are no on-call load and were most of the samples read (at 7,000 clusters, ~440M a week).
   */
  alertMatchers: z.string().regex(LABEL_MATCHERS, 'PromQL label matchers such as alertname!~"Watchdog|InfoInhibitor", env="prod" (no braces)').default('alertname!~"Watchdog|InfoInhibitor"'),
  /** Alertmanager v2 API root for the alerts firing at handoff; none: derived from the alert history. */
  alertmanagerUrl: z.string().url().optional(),
  links: z.strictObject({
    /** The on-call channel's archive URL, `https://<workspace>.slack.com/archives/<channel id>`: open investigations link to their threads. */
    oncallChannelUrl: z.string().url().optional(),
    /** Prometheus UI root: each top alert links to a graph of its ALERTS series. */
    prometheusUrl: z.string().url().optional(),
  }).prefault({}),
  /** Ask the LLM (when llm.kind is not none) for the highlights paragraph; the template is the fallback. */
  llmHighlights: z.boolean().default(true),
});
export type ReportConfig = z.infer<typeof ReportConfig>;
