import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { IgnoredBreakdown, RunTotals } from '../src/api/types.ts';
import { graphql, type RunningProduct } from './product.ts';

// What the console's end-to-end tests share: the browser, the run report's status and numbers, a sync's last run
// as the API gives it.

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's headless Chromium (playwright-core) and a page that records every console error and page error. */
export async function openBrowser(): Promise<{ browser: Browser; page: Page; consoleErrors: string[] }> {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
  return { browser, page, consoleErrors };
}

/** The status of the run the report on the page shows ("Succeeded", "Waiting", …). */
export function runStatus(page: Page) {
  return page.getByTestId('run-report').getByTestId('run-status').first().textContent();
}

/**
 * Follows the report's run until it ends (the page polls by itself; `interval` spaces the looks of a long run) and
 * expects it to have succeeded.
 */
export async function expectRunSucceeded(page: Page, timeout: number, interval?: number) {
  await page.getByTestId('run-report').waitFor();
  await expect.poll(() => runStatus(page), { timeout, interval }).toMatch(/Succeeded|Failed/);
  expect(await runStatus(page)).toBe('Succeeded');
}

/** Reloads the page until its report shows a run in `status` (a run that waits is not polled by the page). */
export async function reloadUntilRunStatus(page: Page, status: string) {
  await expect
    .poll(
      async () => {
        await page.reload();
        await page.getByTestId('run-report').waitFor();
        return runStatus(page);
      },
      { timeout: 120_000, interval: 2_000 },
    )
    .toBe(status);
}

export interface ApiRun {
  id: string;
  status: string;
  totals: RunTotals;
  ignoredBreakdown: IgnoredBreakdown;
}

/** The last run of the sync named `name`, as the API gives it. */
export async function lastRunOf(product: RunningProduct, name: string): Promise<ApiRun> {
  const { syncs } = await graphql<{ syncs: { name: string; lastRun: ApiRun | null }[] }>(
    product,
    `query { syncs { name lastRun { id status totals { total newLeads reAdded duplicate ignored deleted }
      ignoredBreakdown { bounced doNotMail groupEmail fileDuplicate emptyEmail invalidPattern } } } }`,
  );
  const run = syncs.find((s) => s.name === name)?.lastRun;
  if (!run) throw new Error(`the API shows no run of the sync ${name}`);
  return run;
}

/** Expects each total of the report on the page to be the API's, as the console writes numbers. */
export async function expectReportTotals(page: Page, totals: RunTotals) {
  const report = page.getByTestId('run-report');
  for (const [key, value] of Object.entries(totals)) {
    expect(await report.getByTestId(`total-${key}`).locator('dd').textContent(), key).toBe(
      new Intl.NumberFormat('en-GB').format(value),
    );
  }
}
