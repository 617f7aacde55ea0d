// Writes the generated deployment files from the schedule table (`npm run manifests`).
import { mkdirSync, writeFileSync } from 'node:fs';
import { renderCronJobs } from '../src/deploy/cronjob-manifests.js';
import { renderGrafanaDashboard } from '../src/deploy/grafana-dashboard.js';
import { renderJobAlerts } from '../src/deploy/job-alerts.js';

mkdirSync('k8s-cronjobs/monitoring', { recursive: true });
const alerts = renderJobAlerts();
const files: Record<string, string> = {
  'k8s-cronjobs/base/cronjobs.yaml': renderCronJobs(),
  'k8s-cronjobs/monitoring/fleetops-job-alerts.rules.yaml': alerts.rulesFile,
  'k8s-cronjobs/monitoring/fleetops-job-alerts.prometheusrule.yaml': alerts.prometheusRule,
  'k8s-cronjobs/monitoring/grafana-dashboard.json': renderGrafanaDashboard(),
};
for (const [path, text] of Object.entries(files)) {
  writeFileSync(path, text);
  console.log(`wrote ${path}`);
}
