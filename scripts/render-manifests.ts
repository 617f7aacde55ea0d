// Writes k8s-cronjobs/base/cronjobs.yaml from the schedule table (`npm run manifests`).
import { writeFileSync } from 'node:fs';
import { renderCronJobs } from '../src/deploy/cronjob-manifests.js';

writeFileSync('k8s-cronjobs/base/cronjobs.yaml', renderCronJobs());
console.log('wrote k8s-cronjobs/base/cronjobs.yaml');
