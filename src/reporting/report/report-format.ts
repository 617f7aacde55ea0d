/** Small formatters shared by the report renderers, in the report's time zone. */

/** One formatter per time zone: building one costs about 0.1 ms, a week's incident table formats thousands of times. */
const localFormats = new Map<string, Intl.DateTimeFormat>();

export function formatLocal(ms: number, tz: string): string {
  let f = localFormats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone: tz, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    localFormats.set(tz, f);
  }
  return f.format(new Date(ms));
}

export function formatDate(ms: number, tz: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: tz, day: 'numeric', month: 'short', year: 'numeric' }).format(new Date(ms));
}

/** `+12%`, `-5%`, `0%`; `new` when there was nothing to compare with. */
export function formatChange(current: number, previous: number): string {
  if (previous === 0) return current === 0 ? '0%' : 'new';
  const pct = Math.round(((current - previous) / previous) * 100);
  return `${pct > 0 ? '+' : ''}${pct}%`;
}

export function formatMinutes(min: number): string {
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  const m = min % 60;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
