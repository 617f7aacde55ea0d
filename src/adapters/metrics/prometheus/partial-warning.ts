/**
 * Whether a warning on a Prometheus-API answer means data was left out. Prometheus' own query
 * annotations ("PromQL info: metric might not be a counter …", "PromQL warning: …") are about the
 * data, not data left out; any other warning is a Thanos or Mimir partial response (a store or
 * ingester did not answer). Shared by the fleet scan and the alert history.
 */
export const isPartialWarning = (w: string): boolean => !/^PromQL (info|warning):/i.test(w);
