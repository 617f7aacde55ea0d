/** Toil saved: counted items × configured minutes per item, with the formula spelled out (pure). */

export interface ToilItem { label: string; count: number; minutesEach: number; minutes: number }

export interface ToilSaved {
  items: ToilItem[];
  totalMinutes: number;
  /** E.g. `1 report × 120 min + 3 RCAs × 30 min = 210 min (3.5 h)`. */
  formula: string;
}

export interface ToilCounts { reports: number; rcas: number; remediations: number; groupedAlerts: number }
export interface ToilMinutes { report: number; rca: number; remediation: number; groupedAlert: number }

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

export function toilSaved(counts: ToilCounts, perItem: ToilMinutes): ToilSaved {
  const items: ToilItem[] = [
    { label: plural(counts.reports, 'report', 'reports'), count: counts.reports, minutesEach: perItem.report },
    { label: plural(counts.rcas, 'RCA drafted', 'RCAs drafted'), count: counts.rcas, minutesEach: perItem.rca },
    { label: plural(counts.remediations, 'remediation executed', 'remediations executed'), count: counts.remediations, minutesEach: perItem.remediation },
    { label: plural(counts.groupedAlerts, 'alert grouped into an incident', 'alerts grouped into incidents'), count: counts.groupedAlerts, minutesEach: perItem.groupedAlert },
  ].map((i) => ({ ...i, minutes: i.count * i.minutesEach }));
  const totalMinutes = items.reduce((s, i) => s + i.minutes, 0);
  const terms = items.map((i) => `${i.count} ${i.label} × ${i.minutesEach} min`).join(' + ');
  return { items, totalMinutes, formula: `${terms} = ${totalMinutes} min (${Math.round(totalMinutes / 6) / 10} h)` };
}
