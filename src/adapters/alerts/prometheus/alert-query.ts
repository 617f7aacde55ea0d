/** The PromQL the alert history reads, and what an answer's warnings mean for it. */
import { ExternalServiceError } from '../../../core/errors.js';
import { isPartialWarning } from '../../metrics/prometheus/partial-warning.js';

/**
 * A partial answer may lack episodes that did happen: counting from it would understate the week
 * and the change on last week with nothing to show it. Retryable: a store that did not answer often
 * answers again a moment later.
 */
export function assertComplete(warnings: readonly string[]): void {
  const partial = warnings.filter(isPartialWarning);
  if (partial.length === 0) return;
  throw new ExternalServiceError(`Prometheus alert history answer is partial (episodes may be missing): ${partial.slice(0, 3).join('; ')}`, { service: 'prometheus', retryable: true });
}

const regexEscape = (s: string) => s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
const promqlString = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

/** `ALERTS{alertstate="firing", …}`, optionally only for some alert names. */
export function alertsSelector(matchers: string | undefined, alertnames?: readonly string[]): string {
  const names = alertnames && `alertname=~${promqlString([...new Set(alertnames)].sort().map(regexEscape).join('|'))}`;
  return `ALERTS{${['alertstate="firing"', matchers, names].filter(Boolean).join(', ')}}`;
}

