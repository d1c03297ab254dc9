// The dashboard of a running aggregator in headless Chromium: how soon the matrix is usable and how soon it knows
// every resource. The matrix is virtualised, so "usable" is its first screen of rows (the page's own
// `cascade:matrix-ready` mark, as in ui-dashboard.bench.ts); "every row" is its count reading N of N.
import { chromium, type Page } from 'playwright-core';
import { chromiumPath } from '../../scripts/browser/chromium.mjs';

// The flags the browser tests launch Chromium with (integration-test/ui/support/dashboard.ts).
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Milliseconds from navigation start, per page load. */
export interface DashboardTimes {
  /** First screen of rows painted. */
  firstScreen: number[];
  /** The matrix counts every resource. */
  allRows: number[];
  /** Rows the virtualised matrix kept in the DOM. */
  rowsInDom: number;
}

/** Loads the dashboard `loads` times in fresh contexts signed in with `token`; waits at most `timeoutMs` per load. */
export async function timeDashboard(url: string, token: string, resources: number, loads: number, timeoutMs: number): Promise<DashboardTimes> {
  const browser = await chromium.launch({ executablePath: chromiumPath(process.env), args: CHROMIUM_ARGS });
  const times: DashboardTimes = { firstScreen: [], allRows: [], rowsInDom: 0 };
  try {
    for (let i = 0; i < loads; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
      // The dashboard keeps the pasted token in sessionStorage; put it there as a person would have.
      await context.addInitScript(`sessionStorage.setItem('cascade.token', ${JSON.stringify(token)})`);
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => void (message.type() === 'error' && problems.push(`console: ${message.text()}`)));
      await page.goto(`${url}/`);
      await waitOrExplain(page, () => performance.getEntriesByName('cascade:matrix-ready').length > 0, timeoutMs, 'the first screen of rows', problems);
      times.firstScreen.push(await page.evaluate(() => performance.getEntriesByName('cascade:matrix-ready')[0]!.startTime));
      // Page code as a string: this project type-checks without the DOM library.
      const all = `document.querySelector('.toolbar .count')?.textContent?.trim() === '${resources} of ${resources} resources'`;
      await waitOrExplain(page, all, timeoutMs, `${resources} of ${resources} resources`, problems);
      times.allRows.push(await page.evaluate<number>('performance.now()'));
      times.rowsInDom = await page.evaluate<number>(`document.querySelectorAll('[role="row"]').length`);
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return times;
}

/** Waits for `condition` in the page; on a timeout, says what the page showed instead and what went wrong in it. */
async function waitOrExplain(page: Page, condition: string | (() => boolean), timeoutMs: number, what: string, problems: string[]): Promise<void> {
  try {
    await page.waitForFunction(condition, undefined, { timeout: timeoutMs, polling: 'raf' });
  } catch (error) {
    const count = await page.evaluate<string>(`document.querySelector('.toolbar .count')?.textContent?.trim() ?? '(no count)'`).catch(() => '(page gone)');
    const text = await page.evaluate<string>(`document.body.innerText.slice(0, 400)`).catch(() => '');
    throw new Error(`the dashboard never showed ${what} in ${timeoutMs} ms: its count read "${count}"; page text: ${JSON.stringify(text)}; ${problems.slice(-5).join('; ') || 'no page errors'}`, { cause: error });
  }
}
