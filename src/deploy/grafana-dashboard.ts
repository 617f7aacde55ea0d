import { JOB_SCHEDULES } from '../core/schedules.js';

let panelId = 0;
function panel(title: string, expr: string, opts: { x: number; y: number; w?: number; unit?: string; legend?: string; type?: string }): Record<string, unknown> {
  return {
    id: ++panelId, type: opts.type ?? 'timeseries', title, datasource: { type: 'prometheus', uid: '${datasource}' },
    gridPos: { x: opts.x, y: opts.y, w: opts.w ?? 12, h: 8 },
    fieldConfig: { defaults: { unit: opts.unit ?? 'short' }, overrides: [] },
    targets: [{ refId: 'A', expr, legendFormat: opts.legend ?? '{{job}} {{instance}}' }],
  };
}

/** Grafana dashboard for the jobs and the proposal flow (k8s-cronjobs/monitoring/grafana-dashboard.json). */
export function renderGrafanaDashboard(): string {
  panelId = 0;
  const jobs = JOB_SCHEDULES.map((s) => s.job).join('|');
  const panels = [
    panel('Time since last success', `time() - max by (job) (fleetops_job_last_success_timestamp_seconds{job=~"${jobs}"})`, { x: 0, y: 0, unit: 's', legend: '{{job}}' }),
    panel('Last exit code', 'max by (job, instance) (fleetops_job_exit_code)', { x: 12, y: 0 }),
    panel('Run duration', 'max by (job, instance) (fleetops_job_duration_seconds)', { x: 0, y: 8, unit: 's' }),
    panel('Items processed per run', 'sum by (job) (fleetops_job_items_processed)', { x: 12, y: 8, legend: '{{job}}' }),
    panel('Failed parts by kind', 'sum by (job, kind) (fleetops_job_failures)', { x: 0, y: 16, legend: '{{job}} {{kind}}' }),
    panel('Proposals job: failures by kind', 'sum by (kind) (fleetops_job_failures{job="proposals"})', { x: 12, y: 16, legend: '{{kind}}' }),
    panel('Proposals reconciled per run', 'max(fleetops_job_items_processed{job="proposals"})', { x: 0, y: 24, legend: 'proposals' }),
    panel('Proposals job: time since last success', 'time() - max(fleetops_job_last_success_timestamp_seconds{job="proposals"})', { x: 12, y: 24, unit: 's', legend: 'proposals' }),
  ];
  const dashboard = {
    uid: 'fleetops-jobs', title: 'fleetops jobs and proposal flow', schemaVersion: 39, version: 1, editable: true, time: { from: 'now-7d', to: 'now' },
    templating: { list: [{ name: 'datasource', type: 'datasource', query: 'prometheus', current: {} }] }, panels, tags: ['fleetops'],
  };
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}
