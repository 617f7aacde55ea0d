import type { ReportLinks } from '../reporting/report/report-doc.js';
import type { ReportConfig } from './report-config.js';

const trim = (url: string) => url.replace(/\/+$/, '');

/** Links the report may carry, from `report.links`: Slack thread permalinks and Prometheus graphs. */
export function reportLinks(links: ReportConfig['links']): ReportLinks {
  const { oncallChannelUrl, prometheusUrl } = links;
  return {
    thread: oncallChannelUrl ? (ts) => `${trim(oncallChannelUrl)}/p${ts.replace('.', '')}` : undefined,
    alert: prometheusUrl ? (name) => `${trim(prometheusUrl)}/graph?g0.expr=${encodeURIComponent(`ALERTS{alertname="${name}"}`)}&g0.tab=0&g0.range_input=1w` : undefined,
  };
}
