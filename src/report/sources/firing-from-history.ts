import type { AlertEpisode } from '../../adapters/alerts/types.js';
import type { FiringAlertsSource } from '../../adapters/alerts/alertmanager/index.js';
import type { FiringAlert } from '../../reporting/report/weekly-report.js';

/** Episodes still firing at `atMs` (their end is the range end), for when no Alertmanager is configured. */
export function firingAt(episodes: readonly AlertEpisode[], atMs: number): FiringAlert[] {
  return episodes.filter((e) => e.startMs <= atMs && e.endMs >= atMs)
    .map((e) => ({ alertname: e.alertname, cluster: e.cluster, severity: e.severity, sinceMs: e.startMs, silenced: false }));
}

/** A FiringAlertsSource over already-read episodes (the embedded default). */
export function firingFromEpisodes(episodes: readonly AlertEpisode[], atMs: number): FiringAlertsSource {
  return { listFiring: async () => firingAt(episodes, atMs) };
}
