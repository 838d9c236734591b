import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../functions/domain/report.js';
import { renderHtml } from '../../functions/domain/report-html.js';
import { runWorkflow } from '../../local/run-workflow.js';

/**
 * The HTML report of a real local run (the demo scenario, execute mode) opened in headless
 * chromium: it renders, its table filters and sorts, its timeline draws. Needs Debian's
 * chromium (`apt-get install -y chromium`); CHROMIUM_PATH names another binary.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const root = path.resolve(import.meta.dirname, '..', '..');

let report: Report;
let browser: Browser;
let page: Page;
/** What the page asked for besides itself, and what went wrong in it. */
const requests: string[] = [];
const errors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`);
  const scenario = JSON.parse(readFileSync(path.join(root, 'scenarios', 'demo.json'), 'utf8'));
  const run = await runWorkflow(scenario);
  if (!run.report) throw new Error(`the demo run wrote no report (${run.status})`);
  report = run.report;
  const dir = path.join(root, 'out', 'browser');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'demo-report.html');
  writeFileSync(file, renderHtml(report));

  browser = await chromium.launch({ executablePath: CHROMIUM });
  page = await browser.newPage();
  page.on('request', (request) => {
    if (request.url() !== pathToFileURL(file).href) requests.push(request.url());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(pathToFileURL(file).href);
});

afterAll(async () => {
  await browser?.close();
});

const visibleRows = () => page.locator('#resources tbody tr:visible');

describe('the HTML report in headless chromium', () => {
  it('renders the run: its title and a row per resource, with no error and no request for anything', async () => {
    expect(await page.title()).toMatch(/^Proton connection cleanup succeeded \(execute\)/);
    expect(await visibleRows().count()).toBe(report.resources.length);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('hides the rows that do not match what is typed in the filter', async () => {
    await page.locator('#filter').fill('ssm:parameter');
    const expected = report.resources.filter((r) => r.type === 'ssm:parameter').length;
    expect(expected).toBeGreaterThan(0);
    expect(await visibleRows().count()).toBe(expected);
    await page.locator('#filter').fill('');
    expect(await visibleRows().count()).toBe(report.resources.length);
  });

  it('shows only the outcome chosen', async () => {
    await page.locator('#outcome-filter').selectOption('retained');
    expect(await visibleRows().count()).toBe(report.summary.retained);
    await page.locator('#outcome-filter').selectOption('');
  });

  it('sorts by a column when its header is clicked', async () => {
    await page.locator('#resources th[data-column="type"] button').click();
    const types = await page.locator('#resources tbody tr td:nth-child(2)').allTextContents();
    expect(types).toEqual([...types].sort((a, b) => a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' })));
    expect(new Set(types).size).toBeGreaterThan(1);
  });

  it('draws the timeline: the stacks pending, deleting and deleted take up room in the chart', async () => {
    const svg = await page.locator('#timeline svg').boundingBox();
    expect(svg?.width).toBeGreaterThan(100);
    expect(svg?.height).toBeGreaterThan(50);
    const boxes = await page.locator('#timeline svg path.band').evaluateAll((paths) =>
      paths.map((p) => {
        const box = (p as unknown as { getBBox(): { width: number; height: number } }).getBBox();
        return { series: p.getAttribute('data-series'), width: box.width, height: box.height };
      }),
    );
    for (const series of ['pending', 'deleting', 'deleted']) {
      const band = boxes.find((b) => b.series === series);
      expect(band?.width, series).toBeGreaterThan(0);
      expect(band?.height, series).toBeGreaterThan(0);
    }
  });
});
