/**
 * The alert-trend chart as SVG (pure): alert episodes started per rotation day, stacked by severity,
 * with last week's daily totals as a dashed line. Built from numbers only, so it is safe to inline
 * into HTML; rendered to PNG for Slack by render-chart-png.ts.
 */
import type { AlertAnalytics } from './alert-analytics.js';

const W = 720;
const H = 300;
const PAD = { left: 48, right: 16, top: 36, bottom: 52 };
const COLOURS: Record<string, string> = { critical: '#c62828', error: '#ef6c00', warning: '#f9a825', info: '#1e88e5' };
const OTHER = '#8e8e93';
const FONT = 'font-family="DejaVu Sans, Arial, sans-serif"';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const colour = (severity: string) => COLOURS[severity] ?? OTHER;
const WEEKDAY = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export function dayLabel(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  return `${WEEKDAY[d.getUTCDay()]} ${d.getUTCDate()}`;
}

/** A "nice" axis maximum and tick step for counts. */
function axis(max: number): { top: number; step: number } {
  if (max <= 5) return { top: 5, step: 1 };
  const raw = max / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  return { top: Math.ceil(max / step) * step, step };
}

function severities(a: AlertAnalytics): string[] {
  const seen = a.bySeverity.map((s) => s.severity);
  return seen.length ? seen : ['critical', 'warning'];
}

export function alertTrendSvg(a: AlertAnalytics, title: string): string {
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const { top, step } = axis(Math.max(1, ...a.byDay.map((d) => Math.max(d.total, a.previousKnown ? d.previous : 0))));
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const slot = plotW / Math.max(1, a.byDay.length);
  const barW = slot * 0.6;
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" data-chart="alert-trend">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${PAD.left}" y="22" ${FONT} font-size="15" font-weight="bold" fill="#1d1d1f">${esc(title)}</text>`];
  for (let v = 0; v <= top; v += step) {
    out.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v)}" y2="${y(v)}" stroke="#e0e0e0"/>`,
      `<text x="${PAD.left - 6}" y="${y(v) + 4}" ${FONT} font-size="11" text-anchor="end" fill="#555">${v}</text>`);
  }
  a.byDay.forEach((d, i) => {
    const x = PAD.left + i * slot + (slot - barW) / 2;
    let acc = 0;
    for (const sev of severities(a)) {
      const n = d.bySeverity[sev] ?? 0;
      if (n === 0) continue;
      out.push(`<rect x="${x.toFixed(1)}" y="${y(acc + n).toFixed(1)}" width="${barW.toFixed(1)}" height="${(y(acc) - y(acc + n)).toFixed(1)}" fill="${colour(sev)}"><title>${esc(d.date)} ${esc(sev)}: ${n}</title></rect>`);
      acc += n;
    }
    out.push(`<text x="${(x + barW / 2).toFixed(1)}" y="${H - PAD.bottom + 16}" ${FONT} font-size="11" text-anchor="middle" fill="#333">${esc(dayLabel(d.date))}</text>`);
  });
  // no dashed line of zeros when the alert history does not reach back to last week
  if (a.previousKnown) {
    const pts = a.byDay.map((d, i) => `${(PAD.left + (i + 0.5) * slot).toFixed(1)},${y(d.previous).toFixed(1)}`).join(' ');
    out.push(`<polyline points="${pts}" fill="none" stroke="#424242" stroke-width="2" stroke-dasharray="6 4"/>`);
  }
  out.push(legend([...severities(a).map((s) => [colour(s), s] as const), ...(a.previousKnown ? [['#424242', 'last week'] as const] : [])]));
  out.push('</svg>');
  return out.join('\n');
}

function legend(items: readonly (readonly [string, string])[]): string {
  return items.map(([c, label], i) => {
    const x = PAD.left + i * 110;
    return `<rect x="${x}" y="${H - 18}" width="12" height="12" fill="${c}"/><text x="${x + 17}" y="${H - 8}" ${FONT} font-size="11" fill="#333">${esc(label)}</text>`;
  }).join('');
}
