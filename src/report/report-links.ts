import type { ReportLinks } from '../reporting/report/report-doc.js';
import type { ReportConfig } from './report-config.js';

const trim = (url: string) => url.replace(/\/+$/, '');
/** A PromQL double-quoted string: a `"` or `\` in an alert name would otherwise end or break the matcher. */
const promqlString = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

/** Links the report may carry, from `report.links`: Slack thread permalinks and Prometheus graphs. */
export function reportLinks(links: ReportConfig['links']): ReportLinks {
  const { oncallChannelUrl, prometheusUrl } = links;
  return {
    thread: oncallChannelUrl ? (ts) => `${trim(oncallChannelUrl)}/p${ts.replace('.', '')}` : undefined,
    alert: prometheusUrl ? (name) => `${trim(prometheusUrl)}/graph?g0.expr=${encodeURIComponent(`ALERTS{alertname=${promqlString(name)}}`)}&g0.tab=0&g0.range_input=1w` : undefined,
  };
}
