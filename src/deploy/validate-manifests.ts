import { parse } from 'yaml';
import { FleetopsConfig } from '../core/config/schema.js';
import { CONTAINER } from './cronjob-manifests.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SECRET_ENV = /TOKEN|PASSWORD|SECRET|DATABASE_URL|KEY/i;

/** Project rules every rendered overlay must satisfy; returns `kind/name: problem` lines. */
export function checkProjectRules(docs: Obj[]): string[] {
  const problems: string[] = [];
  const where = (d: Obj) => `${d.kind}/${d.metadata?.name}`;
  for (const d of docs) {
    if (d.kind === 'Secret' && (d.data || d.stringData)) problems.push(`${where(d)}: Secret values must not be in manifests; reference an existing Secret`);
    if (d.kind === 'CronJob') problems.push(...cronJobRules(d).map((p) => `${where(d)}: ${p}`));
    if (d.kind === 'ConfigMap' && d.data?.['fleetops.yaml']) problems.push(...configRules(d.data['fleetops.yaml']).map((p) => `${where(d)}: ${p}`));
  }
  return problems;
}

function cronJobRules(cj: Obj): string[] {
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
  }
  if (job.completionMode === 'Indexed') out.push(...indexedJobRules(job, pod));
  return out;
}

function indexedJobRules(job: Obj, pod: Obj): string[] {
  const out: string[] = [];
  const container = (pod.containers ?? []).find((c: Obj) => c.name === CONTAINER);
  const shardEnv = container?.env?.find((e: Obj) => e.name === 'FLEETOPS_SHARD_COUNT')?.value;
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
  const parsed = FleetopsConfig.safeParse(parse(text) ?? {});
  if (!parsed.success) return parsed.error.issues.map((i) => `fleetops.yaml: ${i.path.join('.')}: ${i.message}`);
  return parsed.data.store.kind === 'postgres' ? [] : ['fleetops.yaml: store.kind must be postgres: CronJob pods share one database (SQLite is for one process)'];
}
