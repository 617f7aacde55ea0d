import { parseKubernetesCron } from './cron-grammar.js';

/** Local wall-clock minutes since midnight and UTC offset (minutes) of an instant in a zone. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function local(ms: number, timeZone: string): { minuteOfDay: number; offset: number } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    formatters.set(timeZone, f);
  }
  const parts = f.formatToParts(ms);
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
  return { minuteOfDay: get('hour') * 60 + get('minute'), offset: Math.round((wall - Math.floor(ms / 60_000) * 60_000) / 60_000) };
}

/**
 * Local minutes of the day that a daylight-saving change skips or repeats in `timeZone`, over two
 * years from `fromMs` (empty for UTC and zones without DST). Each change is located to the minute:
 * read at hourly steps from an instant off the hour (a scheduler starting at 13:40), the skipped hour
 * came out as 02:40-03:39 instead of 02:00-02:59.
 */
export function dstAffectedMinutes(timeZone: string, fromMs: number): Set<number> {
  const affected = new Set<number>();
  const hourMs = 3_600_000;
  const start = Math.floor(fromMs / 60_000) * 60_000;
  let a = local(start, timeZone);
  for (let t = start; t < start + 2 * 366 * 24 * hourMs; t += hourMs) {
    const next = local(t + hourMs, timeZone);
    if (a.offset !== next.offset) {
      // the first minute with the new offset: the change happens inside (t, t + 1 h]
      let lo = t;
      let hi = t + hourMs;
      while (hi - lo > 60_000) {
        const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
        if (local(mid, timeZone).offset === a.offset) lo = mid;
        else hi = mid;
      }
      const b = local(hi, timeZone);
      const shift = Math.abs(b.offset - a.offset);
      // spring forward: [b - shift, b) never happens; fall back: [b, b + shift) happens twice
      const first = b.offset > a.offset ? b.minuteOfDay - shift : b.minuteOfDay;
      for (let m = 0; m < shift; m++) affected.add((first + m + 1440) % 1440);
    }
    a = next;
  }
  return affected;
}

/** An error message when the cron fires at a local time that DST skips or repeats, else undefined. */
export function checkDstSafe(cron: string, timeZone: string, fromMs: number): string | undefined {
  const parsed = parseKubernetesCron(cron);
  if (typeof parsed === 'string') return parsed;
  const affected = dstAffectedMinutes(timeZone, fromMs);
  for (const h of parsed.hours) {
    for (const m of parsed.minutes) {
      if (affected.has(h * 60 + m)) return `fires at ${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')} ${timeZone}, a time daylight-saving changes skip or repeat; move it or use UTC`;
    }
  }
  return undefined;
}
