/** The Kubernetes CronJob grammar: five fields (minute hour day-of-month month day-of-week), no seconds. */

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
] as const;

export interface ParsedCron {
  minutes: Set<number>;
  hours: Set<number>;
  daysOfMonth: Set<number>;
  months: Set<number>;
  daysOfWeek: Set<number>;
}

/** Parse or explain: returns an error message naming the field, or the expanded sets. */
export function parseKubernetesCron(expr: string): ParsedCron | string {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5) return `expected 5 fields (minute hour day-of-month month day-of-week), found ${parts.length} in "${expr}"`;
  const sets: Set<number>[] = [];
  for (let i = 0; i < 5; i++) {
    const set = expandField(parts[i], FIELDS[i]);
    if (typeof set === 'string') return `${FIELDS[i].name} "${parts[i]}": ${set}`;
    sets.push(set);
  }
  if (sets[4].has(7)) sets[4].add(0);
  return { minutes: sets[0], hours: sets[1], daysOfMonth: sets[2], months: sets[3], daysOfWeek: sets[4] };
}

function expandField(field: string, spec: (typeof FIELDS)[number]): Set<number> | string {
  const out = new Set<number>();
  for (const item of field.split(',')) {
    const m = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(item);
    if (!m) return `"${item}" is not a value, range, list or step (no seconds, ?, L, W or #)`;
    const step = m[2] ? Number(m[2]) : 1;
    if (step < 1) return 'a step must be at least 1';
    const [lo, hi] = m[1] === '*' ? [spec.min, spec.max] : rangeOf(m[1], spec);
    if (Number.isNaN(lo) || Number.isNaN(hi)) return `"${m[1]}" is not a number${'names' in spec ? ' or name' : ''}`;
    if (lo < spec.min || hi > spec.max || lo > hi) return `${lo}-${hi} is outside ${spec.min}-${spec.max}`;
    const end = m[2] && !m[1].includes('-') && m[1] !== '*' ? spec.max : hi;
    for (let v = lo; v <= end; v += step) out.add(v);
  }
  return out;
}

function rangeOf(text: string, spec: (typeof FIELDS)[number]): [number, number] {
  const [a, b = a] = text.split('-');
  return [valueOf(a, spec), valueOf(b, spec)];
}

function valueOf(token: string, spec: (typeof FIELDS)[number]): number {
  if (/^\d+$/.test(token)) return Number(token);
  const names = 'names' in spec ? (spec.names as readonly string[]) : [];
  const i = names.indexOf(token.toUpperCase());
  return i < 0 ? NaN : i + (spec.name === 'month' ? 1 : 0);
}
