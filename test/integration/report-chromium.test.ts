/**
 * The simulated week's HTML report in headless Chromium (Debian `chromium`): the alert-trend chart
 * is drawn (a screenshot of it holds the severity colours) and the tables are there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboxChat } from '../../src/adapters/chat/outbox/index.js';
import { createFileDocWriter } from '../../src/adapters/docs/files/index.js';
import { fixedClock } from '../../src/core/clock.js';
import { memoryStore, NOW_MS, runReport, tempDir, WEEK } from '../report/report-fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) console.warn(`skipping the headless Chromium report test: ${CHROMIUM} is absent (apt-get install -y chromium)`);

/** Distinct colours of a PNG, counted in the page: the PNG is drawn onto a canvas and read back. */
async function distinctColours(browser: Browser, png: Buffer): Promise<{ count: number; has: (rgb: [number, number, number]) => boolean }> {
  const page = await browser.newPage();
  // Runs in the page (DOM types are not in this project's lib), hence a string.
  const colours = await page.evaluate(`(async () => {
    const img = new Image();
    img.src = 'data:image/png;base64,${png.toString('base64')}';
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width;
    canvas.height = img.height;
    const g = canvas.getContext('2d');
    g.drawImage(img, 0, 0);
    const data = g.getImageData(0, 0, img.width, img.height).data;
    const seen = new Set();
    for (let i = 0; i < data.length; i += 4) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    return [...seen];
  })()`) as number[];
  await page.close();
  const set = new Set(colours);
  return { count: set.size, has: ([r, g, b]) => set.has((r << 16) | (g << 8) | b) };
}

describe.skipIf(!available)('the HTML report in headless Chromium', () => {
  let browser: Browser;
  let htmlPath: string;
  let topAlert: string;

  beforeAll(async () => {
    const dir = tempDir();
    const { out } = await runReport({ chat: createOutboxChat({ dir: join(dir, 'slack'), clock: fixedClock(NOW_MS) }), docs: createFileDocWriter({ dir: join(dir, 'docs') }), store: await memoryStore() });
    htmlPath = join(dir, 'docs', `oncall-report_${WEEK}.html`);
    topAlert = out!.report.alerts.noisiest[0].alertname;
    browser = await chromium.launch({
      executablePath: CHROMIUM, headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the chart with its bars and the tables', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.setContent(readFileSync(htmlPath, 'utf8'), { waitUntil: 'load' });

    const chart = page.locator('svg[data-chart="alert-trend"]');
    const box = await chart.boundingBox();
    const bars = await chart.locator('rect[fill="#f9a825"], rect[fill="#1e88e5"], rect[fill="#c62828"]').count();
    const tables = await page.locator('table').count();
    const topHeader = await page.locator('h4', { hasText: 'Top alerts' }).locator('xpath=following-sibling::table[1]//th').allTextContents();
    const firstRow = await page.locator('h4', { hasText: 'Top alerts' }).locator('xpath=following-sibling::table[1]//tbody/tr[1]/td[1]').textContent();
    const shot = await chart.screenshot();
    await page.close();

    expect(box?.width).toBeGreaterThan(600);
    expect(box?.height).toBeGreaterThan(200);
    expect(bars).toBeGreaterThanOrEqual(7);
    expect(tables).toBeGreaterThanOrEqual(5);
    expect(topHeader).toEqual(['Alert', 'Episodes', 'Last week', 'Change', 'Clusters', 'Severity', 'Median duration']);
    expect(firstRow).toBe(topAlert);
    const colours = await distinctColours(browser, shot);
    expect(colours.count).toBeGreaterThan(20); // bars, grid, anti-aliased text
    expect(colours.has([249, 168, 37])).toBe(true); // warning bars
    expect(colours.has([30, 136, 229])).toBe(true); // info bars
  });
});
