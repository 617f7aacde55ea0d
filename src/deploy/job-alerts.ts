import { stringify } from 'yaml';
import { JOB_SCHEDULES, type JobSchedule } from '../core/schedules.js';

function rules(s: JobSchedule): Record<string, unknown>[] {
  const sel = `job="${s.job}"`;
  return [
    {
      alert: 'FleetopsJobFailed',
      expr: `max by (job, instance) (fleetops_job_exit_code{${sel}}) > 0`,
      for: '1m',
      labels: { severity: s.job === 'proposals' ? 'critical' : 'warning', fleetops_job: s.job },
      annotations: { summary: `fleetops ${s.job} exited {{ $value }} on {{ $labels.instance }}`, description: `${s.description}. Exit 1: a part failed (see the run summary and logs with its runId); exit 2: bad config or usage.` },
    },
    {
      alert: 'FleetopsJobNotSucceeding',
      // twice the schedule interval: one missed run is tolerated, two are not
      expr: `time() - max by (job) (fleetops_job_last_success_timestamp_seconds{${sel}}) > ${2 * s.intervalSeconds}`,
      for: '5m',
      labels: { severity: 'warning', fleetops_job: s.job },
      annotations: { summary: `fleetops ${s.job} has not succeeded for more than ${humanise(2 * s.intervalSeconds)}`, description: `Expected every ${humanise(s.intervalSeconds)} (${s.cron} ${s.timeZone}).` },
    },
  ];
}

function humanise(seconds: number): string {
  return seconds % 86_400 === 0 ? `${seconds / 86_400}d` : seconds % 3600 === 0 ? `${seconds / 3600}h` : `${seconds / 60}m`;
}

/** Alert rules for every job: the plain rule-file form and the PrometheusRule form. */
export function renderJobAlerts(schedules: readonly JobSchedule[] = JOB_SCHEDULES): { rulesFile: string; prometheusRule: string } {
  const group = { name: 'fleetops-jobs', rules: schedules.flatMap(rules) };
  const header = '# Generated from src/core/schedules.ts by `npm run manifests`.\n';
  const prometheusRule = { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'fleetops-jobs', labels: { 'app.kubernetes.io/name': 'fleetops' } }, spec: { groups: [group] } };
  return { rulesFile: header + stringify({ groups: [group] }, { lineWidth: 0 }), prometheusRule: header + stringify(prometheusRule, { lineWidth: 0 }) };
}
