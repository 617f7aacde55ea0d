import { z } from 'zod';
import { ReportConfig } from '../../report/report-config.js';
import { DigestConfig } from '../../digest/digest-config.js';
import { ArgoCdConfig, OpenSearchConfig } from '../../adapters/read-backends-config.js';
import { GuardrailLimits } from '../../remediation/guardrails/guardrail-state.js';
import { ClusterOpsSettings } from '../../remediation/registry/cluster-registry-schema.js';
import { RemediationConfig } from '../../remediation/remediation-config.js';
import { RetentionConfig } from '../../retention/retention-config.js';
import { DEFAULT_DOC_MAX_CHARS, GOOGLE_DOCS_MAX_CHARS } from '../../reporting/doc-size.js';
import { COMPONENT_ID, COMPONENT_MATCHERS_EXAMPLE, componentMatcherProblem } from '../../signals/component-matchers.js';

/** Config schema: every section strict (unknown keys are errors), every field defaulted. */

const durationMs = z.number().int().positive();
const url = z.string().url();

const SimulatorConfig = z.strictObject({
  seed: z.number().int().nonnegative().default(1),
  clusters: z.number().int().min(1).max(20_000).default(1400),
  days: z.number().int().min(1).max(35).default(7),
  stepSeconds: z.number().int().min(60).max(3600).default(300),
  scenarios: z.enum(['default', 'random']).default('default'),
  /** End of the simulated range (ISO 8601); default: the start of the current UTC day (the digest digests the day before it). */
  endTime: z.string().datetime({ offset: true }).optional(),
});

const PrometheusAuth = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({ kind: z.literal('bearer'), tokenEnv: z.string().default('PROMETHEUS_BEARER_TOKEN') }),
  z.strictObject({ kind: z.literal('basic'), username: z.string(), passwordEnv: z.string().default('PROMETHEUS_PASSWORD') }),
  z.strictObject({ kind: z.literal('sigv4'), region: z.string(), service: z.string().default('aps') }),
]);

const PrometheusConfig = z.strictObject({
  url: url.default('http://127.0.0.1:9090'),
  headers: z.record(z.string(), z.string()).default({}),
  tenant: z.string().optional(),
  auth: PrometheusAuth.default({ kind: 'none' }),
  timeoutMs: durationMs.default(60_000),
  concurrency: z.number().int().min(1).max(64).default(4),
  maxPointsPerSeries: z.number().int().min(100).max(11_000).default(11_000),
  maxSamplesPerQuery: z.number().int().min(1000).default(5_000_000),
  retries: z.number().int().min(0).max(10).default(3),
  /** Consecutive queries failing (network, timeout, 429, 5xx, after retries) that make the run skip queries for breakerCooldownMs (0: never). */
  breakerFailures: z.number().int().min(0).max(1000).default(3),
  breakerCooldownMs: durationMs.default(30_000),
  decoder: z.enum(['auto', 'lean', 'prometheus-query']).default('auto'),
  /** Response compression asked for: auto = none on a loopback address, gzip elsewhere. */
  compression: z.enum(['auto', 'gzip', 'none']).default('auto'),
  useRecordingRules: z.enum(['auto', 'always', 'never']).default('auto'),
  /** Rate window for counters; at least one scrape interval plus a step (6m suits 5-minute data). */
  rateWindow: z.string().regex(/^\d+[smh]$/).default('5m'),
});

const MetricsConfig = z.strictObject({
  kind: z.enum(['simulator', 'prometheus']).default('simulator'),
  prometheus: PrometheusConfig.prefault({}),
});

const InventoryConfig = z.strictObject({
  kind: z.enum(['simulator', 'file', 'prometheus']).default('simulator'),
  /** YAML or CSV file of clusters, for kind `file`. */
  file: z.string().optional(),
  /**
   * For kind `prometheus`: a cluster stays expected this long after its last kube_node_info sample (and
   * is reported silent meanwhile); one gone longer is taken as decommissioned.
   */
  expectedWithinHours: z.number().int().min(1).max(24 * 14).default(6),
});

/**
 * An evidence source: `simulator` serves the simulated fleet's own (refused with a real inventory or
 * metrics source, see loadConfig); `none` is no source, which the RCA reports as not configured.
 */
const OpenSearchSourceConfig = z.strictObject({ kind: z.enum(['simulator', 'opensearch', 'none']).default('simulator') });

const StoreConfig = z.strictObject({
  kind: z.enum(['sqlite', 'postgres']).default('sqlite'),
  /** SQLite file, relative to the output folder unless absolute. */
  sqlitePath: z.string().default('fleetops.db'),
  /** Name of the environment variable holding the PostgreSQL URL (a secret). */
  postgresUrlEnv: z.string().default('FLEETOPS_DATABASE_URL'),
});

const SlackConfig = z.strictObject({
  tokenEnv: z.string().default('SLACK_BOT_TOKEN'),
  apiUrl: url.optional(),
  digestChannel: z.string().default('#fleet-availability'),
  oncallChannel: z.string().default('#fleet-oncall'),
  alertChannel: z.string().default('#fleet-alerts'),
  auditChannel: z.string().default('#fleetops-audit'),
});

const ChatConfig = z.strictObject({
  kind: z.enum(['outbox', 'slack']).default('outbox'),
  slack: SlackConfig.prefault({}),
});

const DOC_MAX_CHARS = `an integer from 1 to ${GOOGLE_DOCS_MAX_CHARS} (characters per document; Google Docs holds about ${GOOGLE_DOCS_MAX_CHARS})`;

const DocsConfig = z.strictObject({
  kind: z.enum(['files', 'google']).default('files'),
  /** Character budget of the digest and on-call report documents: over it they are shortened (the first groups in full), not refused by Google Docs. */
  maxChars: z.number().int().min(1, DOC_MAX_CHARS).max(GOOGLE_DOCS_MAX_CHARS, DOC_MAX_CHARS).default(DEFAULT_DOC_MAX_CHARS),
  google: z.strictObject({
    sharedDriveFolderId: z.string().optional(),
    shareWithGroup: z.string().email().optional(),
    impersonate: z.string().email().optional(),
    rootUrl: url.optional(),
  }).prefault({}),
});

const OUTPUT_TOKENS = 'an integer from 256 to 65536 (output tokens per model step)';

const LlmConfig = z.strictObject({
  kind: z.enum(['none', 'bedrock']).default('none'),
  bedrock: z.strictObject({
    region: z.string().default('us-east-1'),
    modelId: z.string().default('anthropic.claude-3-5-sonnet-20240620-v1:0'),
    endpoint: url.optional(),
    maxSteps: z.number().int().min(1).max(20).default(6),
    tokenBudgetPerRun: z.number().int().min(1000).default(200_000),
    maxCallsPerDigest: z.number().int().min(0).default(20),
    /** Output tokens per model step: the largest answer LlmAnswer allows is about 4,000; the default model's limit is 4,096. */
    maxOutputTokens: z.number().int().min(256, OUTPUT_TOKENS).max(65_536, OUTPUT_TOKENS).default(4096),
  }).superRefine((b, ctx) => {
    // every step reserves its prompt plus this many tokens: a cap at or over the budget fails every call
    if (b.maxOutputTokens >= b.tokenBudgetPerRun) {
      ctx.addIssue({ code: 'custom', path: ['maxOutputTokens'], message: `a number below tokenBudgetPerRun (${b.tokenBudgetPerRun}), since each model step reserves its prompt plus maxOutputTokens from the run's budget` });
    }
  }).prefault({}),
});

const ClusterOpsConfig = ClusterOpsSettings.extend({
  kind: z.enum(['dry-run', 'kubernetes', 'argo-workflows']).default('dry-run'),
  guardrails: GuardrailLimits.prefault({}),
});

const ScanConfig = z.strictObject({
  /** Shard count when JOB_COMPLETION_INDEX is set (Indexed Job); FLEETOPS_SHARD_COUNT overrides. */
  shards: z.number().int().min(1).max(1024).default(1),
  lookbackHours: z.number().int().min(1).max(24 * 35).default(168),
  /** SLO overrides by signal id or `signal:component`, e.g. `availability:coredns: 0.9995`. */
  slo: z.record(z.string(), z.number().gt(0).lt(1)).default({}),
  /** Findings and context: hours of history for a first (or --full) scan; context before the new window. */
  contextHours: z.number().int().min(1).max(72).default(6),
  missingAfterMinutes: z.number().int().min(5).default(30),
  concurrency: z.number().int().min(1).max(32).default(4),
  /** Clusters scanned (queried, detected, stored) together: bounds memory; each batch is one query per signal. */
  batchClusters: z.number().int().min(1).max(100_000).default(250),
  peerZThreshold: z.number().positive().default(6),
  fleetWideMinClusters: z.number().int().min(2).default(5),
});

export const FleetopsConfig = z.strictObject({
  outDir: z.string().default('out'),
  clusterLabel: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/).default('cluster'),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent']).default('info'),
  deadlineSeconds: z.number().int().min(10).default(3300),
  simulator: SimulatorConfig.prefault({}),
  inventory: InventoryConfig.prefault({}),
  metrics: MetricsConfig.prefault({}),
  store: StoreConfig.prefault({}),
  logs: OpenSearchSourceConfig.prefault({}),
  events: OpenSearchSourceConfig.prefault({}),
  changes: z.strictObject({ kind: z.enum(['simulator', 'argocd', 'none']).default('simulator'), argocd: ArgoCdConfig.prefault({}) }).prefault({}),
  /** Shared by logs and events when their kind is opensearch. */
  opensearch: OpenSearchConfig.prefault({}),
  chat: ChatConfig.prefault({}),
  docs: DocsConfig.prefault({}),
  llm: LlmConfig.prefault({}),
  clusterOps: ClusterOpsConfig.prefault({}),
  scan: ScanConfig.prefault({}),
  /** Proposals: approvers (Slack groups ∩ allowlist), autonomy levels, expiry, change freezes. */
  remediation: RemediationConfig.prefault({}),
  /** The daily availability digest: how many groups are analysed, and how many get their own thread reply. */
  digest: DigestConfig.prefault({}),
  /** The weekly on-call report: handoff weekday/time/zone, resolution markers, toil minutes. */
  report: ReportConfig.prefault({}),
  /** How long the store keeps each kind of row (`fleetops retention`); open proposals' data and the audit log always stay. */
  retention: RetentionConfig.prefault({}),
  jobMetrics: z.strictObject({
    /** Pushgateway for job health (last success, duration, failures); unset: no push. */
    pushgatewayUrl: url.optional(),
  }).prefault({}),
  /** Runbooks the RCA cites and `runbooks lint` checks (relative to the working directory); default: the runbooks shipped with fleetops. */
  runbooksDir: z.string().min(1).optional(),
  /**
   * Where people open a runbook: an http(s) URL template with `{id}` and optionally `{line}` (e.g.
   * `https://git.example.com/sre/runbooks/blob/main/{id}.md#L{line}`); the digest links each cited
   * runbook there. Unset: the runbook is named by its path only.
   */
  runbooksUrl: z.string()
    .refine((t) => /^https?:\/\/[^\s]+$/.test(t), 'an http(s) URL template without spaces, such as https://git.example.com/sre/runbooks/blob/main/{id}.md#L{line}')
    .refine((t) => t.includes('{id}'), 'a template naming the runbook as {id}')
    .refine((t) => [...t.matchAll(/\{([^}]*)\}/g)].every((m) => m[1] === 'id' || m[1] === 'line'), 'placeholders {id} and {line} only')
    .optional(),
  /**
   * Component → PromQL label matchers (no braces) selecting its pods in cAdvisor and kube-state-metrics
   * series, e.g. `cni: 'namespace="kube-system", pod=~"aws-node-.*"'`: replaces the built-in matcher
   * (src/signals/component-matchers.ts) or adds a component, whose saturation signals are then scanned.
   */
  components: z.record(z.string(), z.string().min(1).superRefine((m, ctx) => {
    const problem = componentMatcherProblem(m);
    // read after "expected" and before "found <the value>"
    if (problem) ctx.addIssue({ code: 'custom', message: `PromQL label matchers such as ${COMPONENT_MATCHERS_EXAMPLE} (${problem})` });
  })).superRefine((components, ctx) => {
    for (const id of Object.keys(components)) {
      if (!COMPONENT_ID.test(id)) ctx.addIssue({ code: 'custom', path: [id], message: 'a component id of lower-case words joined by - (such as payments-api) as this key' });
    }
  }).default({}),
  /** User signals added to the built-in catalog (validated by the catalog: id, component, promql, unit, badDirection, slo). */
  signals: z.array(z.record(z.string(), z.unknown())).default([]),
});
export type FleetopsConfig = z.infer<typeof FleetopsConfig>;

/**
 * Environment variables that hold secrets, which `config print` always lists (set or not); the secrets
 * of the other kinds and optional sections it lists when they are used: secretEnvFields (requirements.ts).
 */
export const SECRET_ENV_FIELDS = ['store.postgresUrlEnv', 'chat.slack.tokenEnv', 'changes.argocd.tokenEnv'] as const;
