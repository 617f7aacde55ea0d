import { parse } from 'yaml';
import { describeIssues } from '../core/config/format-issues.js';
import { checkConfigRules } from '../core/config/load-config.js';
import { unmetRequirements } from '../core/config/requirements.js';
import { FleetopsConfig } from '../core/config/schema.js';
import { yamlLines } from '../core/config/yaml-lines.js';
import { ConfigError } from '../core/errors.js';
import { CONTAINER } from './cronjob-manifests.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SECRET_ENV = /TOKEN|PASSWORD|SECRET|DATABASE_URL|KEY/i;

/** Project rules every rendered overlay must satisfy; returns `kind/name: problem` lines. */
export function checkProjectRules(docs: Obj[]): string[] {
  const problems: string[] = [];
  const where = (d: Obj) => `${d.kind}/${d.metadata?.name}`;
  const configText = docs.find((d) => d.kind === 'ConfigMap' && d.data?.['fleetops.yaml'])?.data['fleetops.yaml'] as string | undefined;
  const parsedConfig = configText === undefined ? undefined : FleetopsConfig.safeParse(parse(configText) ?? {});
  const config = parsedConfig?.success ? parsedConfig.data : undefined;
  for (const d of docs) {
    if (d.kind === 'Secret' && (d.data || d.stringData)) problems.push(`${where(d)}: Secret values must not be in manifests; reference an existing Secret`);
    if (d.kind === 'CronJob') problems.push(...cronJobRules(d, config).map((p) => `${where(d)}: ${p}`));
    if (d.kind === 'ConfigMap' && d.data?.['fleetops.yaml']) problems.push(...configRules(d.data['fleetops.yaml']).map((p) => `${where(d)}: ${p}`));
  }
  problems.push(...shardCountRules(docs));
  return problems;
}

/** The finalize step must merge as many shards as the Indexed Job runs (else it names shards that do not exist). */
function shardCountRules(docs: Obj[]): string[] {
  const cronJob = (name: string) => docs.find((d) => d.kind === 'CronJob' && d.metadata?.name === name);
  const scan = cronJob('fleet-scan');
  const finalize = cronJob('fleet-scan-finalize');
  if (!scan || !finalize) return [];
  const completions = scan.spec?.jobTemplate?.spec?.completions;
  const count = shardEnvOf(finalize.spec?.jobTemplate?.spec?.template?.spec ?? {});
  return String(completions) === count ? [] : [`CronJob/fleet-scan-finalize: FLEETOPS_SHARD_COUNT (${count}) must equal fleet-scan's completions (${completions})`];
}

function shardEnvOf(pod: Obj): string | undefined {
  const container = (pod.containers ?? []).find((c: Obj) => c.name === CONTAINER);
  return container?.env?.find((e: Obj) => e.name === 'FLEETOPS_SHARD_COUNT')?.value;
}

function cronJobRules(cj: Obj, config: FleetopsConfig | undefined): string[] {
  const out: string[] = [];
  const job = cj.spec?.jobTemplate?.spec ?? {};
  const pod = job.template?.spec ?? {};
  if (cj.spec?.concurrencyPolicy !== 'Forbid') out.push('concurrencyPolicy must be Forbid');
  if (!(cj.spec?.startingDeadlineSeconds > 0)) out.push('startingDeadlineSeconds must be set');
  if (!(job.activeDeadlineSeconds > 0)) out.push('activeDeadlineSeconds must be set');
  if (!cj.spec?.timeZone) out.push('timeZone must be set');
  for (const c of pod.containers ?? []) {
    const runAsUser = c.securityContext?.runAsUser ?? pod.securityContext?.runAsUser;
    const nonRoot = c.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
    if (nonRoot !== true || runAsUser === 0) out.push(`container ${c.name} may run as root`);
    if (c.securityContext?.readOnlyRootFilesystem !== true) out.push(`container ${c.name} needs readOnlyRootFilesystem`);
    for (const e of c.env ?? []) if (SECRET_ENV.test(e.name) && e.value !== undefined) out.push(`env ${e.name} holds a literal value; use secretKeyRef`);
    // what the config's kinds need: every secret's variable in the pod, every kind-specific field in the file
    if (config && c.name === CONTAINER) {
      const env = Object.fromEntries((c.env ?? []).map((e: Obj) => [e.name, 'set in the manifest']));
      out.push(...unmetRequirements(config, env).map((u) => `fleetops.yaml: ${u.path.join('.')}: ${u.message}`));
    }
  }
  if (job.completionMode === 'Indexed') out.push(...indexedJobRules(job, pod));
  return out;
}

function indexedJobRules(job: Obj, pod: Obj): string[] {
  const out: string[] = [];
  const shardEnv = shardEnvOf(pod);
  if (job.completions !== job.parallelism) out.push(`completions (${job.completions}) must equal parallelism (${job.parallelism})`);
  if (String(job.completions) !== shardEnv) out.push(`FLEETOPS_SHARD_COUNT (${shardEnv}) must equal completions (${job.completions})`);
  if (!(job.backoffLimitPerIndex >= 0)) out.push('backoffLimitPerIndex must be set');
  const rules: Obj[] = job.podFailurePolicy?.rules ?? [];
  const onExit = (code: number) => rules.find((r) => r.onExitCodes?.values?.includes(code))?.action;
  if (onExit(2) !== 'FailJob') out.push('podFailurePolicy: exit 2 must fail the Job');
  if (onExit(1) !== 'FailIndex') out.push('podFailurePolicy: exit 1 must fail the index');
  return out;
}

function configRules(text: string): string[] {
  const data = parse(text) ?? {};
  const parsed = FleetopsConfig.safeParse(data);
  if (!parsed.success) {
    const lineOf = yamlLines(text);
    return describeIssues(parsed.error.issues, FleetopsConfig, data, { reference: 'fleetops.example.yaml' })
      .map((p) => `fleetops.yaml:${lineOf(p.path) ?? 1}: ${p.field}: ${p.message}`);
  }
  const store = parsed.data.store.kind === 'postgres' ? [] : ['fleetops.yaml: store.kind must be postgres: CronJob pods share one database (SQLite is for one process)'];
  return [...store, ...crossFieldRules(parsed.data, data)];
}

/** What loadConfig refuses beyond the schema (signals, evidence sources beside a real fleet): the jobs would exit 2 on it. */
function crossFieldRules(config: FleetopsConfig, data: Record<string, unknown>): string[] {
  try {
    checkConfigRules(config, data);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.message.split('\n').map((line) => `fleetops.yaml: ${line.replace(/^config error: /, '')}`);
  }
}

