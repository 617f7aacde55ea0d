import { stringify } from 'yaml';
import { JOB_SCHEDULES, type JobSchedule } from '../core/schedules.js';

/** Shard count of the base; overlays patch completions, parallelism and FLEETOPS_SHARD_COUNT (of fleet-scan and fleet-scan-finalize) together. */
export const BASE_SHARD_COUNT = 2;
export const CONTAINER = 'fleetops';

const RESOURCES: Record<string, { requests: Record<string, string>; limits: Record<string, string> }> = {
  'fleet-scan': { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } },
  default: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
};

function env(s: JobSchedule): Record<string, unknown>[] {
  const base: Record<string, unknown>[] = [
    { name: 'FLEETOPS_CONFIG', value: '/etc/fleetops/fleetops.yaml' },
    { name: 'FLEETOPS__OUTDIR', value: '/tmp/fleetops' },
    { name: 'FLEETOPS__DEADLINESECONDS', value: String(s.activeDeadlineSeconds - 30) },
    { name: 'FLEETOPS_DATABASE_URL', valueFrom: { secretKeyRef: { name: 'fleetops-secrets', key: 'database-url' } } },
    { name: 'SLACK_BOT_TOKEN', valueFrom: { secretKeyRef: { name: 'fleetops-secrets', key: 'slack-bot-token', optional: true } } },
    { name: 'FLEETOPS__JOBMETRICS__PUSHGATEWAYURL', valueFrom: { configMapKeyRef: { name: 'fleetops-endpoints', key: 'pushgateway-url', optional: true } } },
  ];
  // the finalize step merges that many shards and names the missing ones: it must agree with the Indexed Job
  if (s.job === 'fleet-scan' || s.job === 'fleet-scan-finalize') base.push({ name: 'FLEETOPS_SHARD_COUNT', value: String(BASE_SHARD_COUNT) });
  return base;
}

function podSpec(s: JobSchedule): Record<string, unknown> {
  return {
    serviceAccountName: s.job === 'proposals' ? 'fleetops-proposals' : 'fleetops-jobs',
    automountServiceAccountToken: s.job === 'proposals',
    restartPolicy: 'Never',
    securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{
      name: CONTAINER, image: 'fleetops', args: s.args, env: env(s), resources: RESOURCES[s.job] ?? RESOURCES.default,
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
      volumeMounts: [{ name: 'config', mountPath: '/etc/fleetops', readOnly: true }, { name: 'tmp', mountPath: '/tmp' }],
    }],
    volumes: [{ name: 'config', configMap: { name: 'fleetops-config' } }, { name: 'tmp', emptyDir: { sizeLimit: '1Gi' } }],
  };
}

function jobSpec(s: JobSchedule): Record<string, unknown> {
  const common = { activeDeadlineSeconds: s.activeDeadlineSeconds, ttlSecondsAfterFinished: 86_400, template: { metadata: { labels: labels(s) }, spec: podSpec(s) } };
  if (s.job !== 'fleet-scan') return { backoffLimit: 1, ...common };
  return {
    completionMode: 'Indexed', completions: BASE_SHARD_COUNT, parallelism: BASE_SHARD_COUNT, backoffLimitPerIndex: 1,
    podFailurePolicy: {
      rules: [
        // exit 2 is bad config or usage: every index would fail the same way, so fail the Job at once
        { action: 'FailJob', onExitCodes: { containerName: CONTAINER, operator: 'In', values: [2] } },
        // exit 1 is a partial failure of this shard: fail the index, let the others finish
        { action: 'FailIndex', onExitCodes: { containerName: CONTAINER, operator: 'In', values: [1] } },
        { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
      ],
    },
    ...common,
  };
}

function labels(s: JobSchedule): Record<string, string> {
  return { 'app.kubernetes.io/name': 'fleetops', 'app.kubernetes.io/component': s.job };
}

/** One CronJob per schedule, as a multi-document YAML file (k8s-cronjobs/base/cronjobs.yaml). */
export function renderCronJobs(schedules: readonly JobSchedule[] = JOB_SCHEDULES): string {
  const docs = schedules.map((s) => ({
    apiVersion: 'batch/v1', kind: 'CronJob',
    metadata: { name: s.job, labels: labels(s), annotations: { 'fleetops.dev/description': s.description } },
    spec: {
      schedule: s.cron, timeZone: s.timeZone, concurrencyPolicy: 'Forbid', startingDeadlineSeconds: s.startingDeadlineSeconds,
      successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 3, jobTemplate: { metadata: { labels: labels(s) }, spec: jobSpec(s) },
    },
  }));
  const header = '# Generated from src/core/schedules.ts by `npm run manifests`; edit the schedules there, not here.\n';
  return header + docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
}
