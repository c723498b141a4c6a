import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectReportTotals, expectRunSucceeded, lastRunOf, openBrowser } from './browser.ts';
import { type RunningProduct, startProduct } from './product.ts';
import { createListInWizard, scheduleOnceNow } from './wizard.ts';

// Issue 21 in a browser: the real product (`pnpm start`, fresh data directory) offers a "Zoho CRM (sandbox)"
// connection; a sync of its Leads with criteria (Lead Source is Trade Show) is built in the wizard, initiated, and
// its report read. Headless Chromium (Debian's /usr/bin/chromium) through playwright-core, as console.e2e.test.ts.

const SYNC = 'Trade Show leads from Zoho CRM';

let product: RunningProduct;
let browser: Browser;
let page: Page;
let consoleErrors: string[];

describe('a Zoho CRM sync in the console', () => {
  beforeAll(async () => {
    product = await startProduct();
    ({ browser, page, consoleErrors } = await openBrowser());
  });
  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  it('builds a criteria sync on the Zoho CRM sandbox (Lead Source is Trade Show), runs it and reads its report', async () => {
    await page.goto(product.baseUrl);
    await page.getByTestId('api-key').fill(product.adminKey);
    await page.keyboard.press('Enter');
    await page.getByTestId('sync-list-page').waitFor();

    await page.getByTestId('new-sync').click();
    await page.getByTestId('sync-name').fill(SYNC);
    const crm = page.getByTestId('connection-select').locator('option', { hasText: 'Zoho CRM (sandbox)' });
    await page.getByTestId('connection-select').selectOption((await crm.getAttribute('value')) ?? '');
    const organization = page.getByTestId('source-organization');
    await expect.poll(() => organization.locator('option[value="Leads"]').count()).toBe(1);
    await organization.selectOption('Leads');

    // The criteria's fields are the module's own, from Zoho CRM's field metadata (API names as keys).
    await page.getByTestId('import-mode-criteria').check();
    await expect
      .poll(() => page.getByTestId('criteria-field').first().locator('option[value="Lead_Source"]').count())
      .toBe(1);
    await page.getByTestId('criteria-field').first().selectOption('Lead_Source');
    await page.getByTestId('criteria-op').first().selectOption('is');
    await page.getByTestId('criteria-value').first().fill('Trade Show');
    await createListInWizard(page, 'CRM trade show');
    await page.getByTestId('wizard-next').click();

    await page.getByRole('heading', { name: '2. Field mapping' }).waitFor();
    await page.getByTestId('mapping-source-email').selectOption('Email');
    await page.getByTestId('mapping-source-firstName').selectOption('First_Name');
    await page.getByTestId('mapping-source-lastName').selectOption('Last_Name');
    await page.getByTestId('wizard-next').click();

    await scheduleOnceNow(page);
    await page.getByTestId('initiate').click();

    await page.getByTestId('sync-details-page').waitFor();
    await expectRunSucceeded(page, 180_000);

    const { totals } = await lastRunOf(product, SYNC);
    // Some of the 3,000 sandbox leads came from a trade show: those, and only those, were read.
    expect(totals.total).toBeGreaterThan(0);
    expect(totals.total).toBeLessThan(3_000);
    expect(totals.total).toBe(totals.newLeads + totals.reAdded + totals.duplicate + totals.ignored);
    await expectReportTotals(page, totals);
    expect(await page.getByTestId('sync-details-page').textContent()).toContain(
      'Matching: Lead_Source is "Trade Show"',
    );
    expect(consoleErrors).toEqual([]);
  });
});
