import { Resvg } from '@resvg/resvg-js';

/** Rasterise a chart SVG (system fonts, e.g. DejaVu) to PNG at `scale` (2 = crisp on high-DPI screens). */
export function renderChartPng(svg: string, scale = 2): Uint8Array {
  const resvg = new Resvg(svg, { fitTo: { mode: 'zoom', value: scale }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, background: '#ffffff' });
  return new Uint8Array(resvg.render().asPng());
}
