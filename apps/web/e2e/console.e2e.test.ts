import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import {
  startZohoInvoiceSimulator,
  type ZohoInvoiceSimulator,
} from '@leadsync/connector-zoho-invoice/simulator';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectReportTotals,
  expectRunSucceeded,
  lastRunOf,
  openBrowser,
  reloadUntilRunStatus,
} from './browser.ts';
import { graphql, type RunningProduct, startProduct } from './product.ts';
import { createListInWizard, scheduleOnceNow } from './wizard.ts';

// The console against the real product: `pnpm start` on a fresh data directory, headless Chromium
// (Debian's /usr/bin/chromium driven by playwright-core). Screenshots of each main screen go to
// apps/web/screenshots/. Over 300 lines: one story of the console, each test building on the previous one's data
// (one product start, which takes minutes); the helpers are at the top.

const screenshots = fileURLToPath(new URL('../screenshots/', import.meta.url));

// A few valid rows, a role address, a typo domain, a duplicate and an empty email.
const csv = [
  'email,first_name,last_name,company',
  'asha.rao@acmetraders.in,Asha,Rao,Acme Traders',
  'ben.okafor@globexmail.co.uk,Ben,Okafor,Globex',
  'chen.li@initech.io,Chen,Li,Initech',
  'info@acmetraders.in,Info,Desk,Acme Traders',
  'john.smith@gnail.com,John,Smith,Umbrella',
  'Asha.Rao@acmetraders.in,Asha,Rao,Acme Traders',
  ',Nobody,Here,Nowhere',
].join('\n');

let product: RunningProduct;
/** Source accounts of the test's own: one with a small daily quota, one whose owner changes. */
let quotaSource: ZohoInvoiceSimulator;
let ownerSource: ZohoInvoiceSimulator;
let browser: Browser;
let page: Page;
let consoleErrors: string[];

/** A screenshot of the whole page, or (`fullPage: false`) of what the window shows. */
async function shot(name: string, fullPage = true) {
  await page.screenshot({ path: `${screenshots}${name}.png`, fullPage });
}

// axe-core (npm) injected into the page: every screen must have no serious or critical violation.
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

async function expectAccessible(screen: string) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document): Promise<AxeResults> } }).axe;
    interface AxeResults {
      passes: unknown[];
      violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
    }
    const results = await axe.run(document);
    // A check that checked nothing would pass too: axe must have run its rules on the page.
    if (results.passes.length === 0) return ['axe-core ran no rule on this page'];
    return results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.impact} ${v.id}: ${v.help} (${v.nodes
            .map((n) => n.target.join(' '))
            .slice(0, 3)
            .join(', ')})`,
      );
  });
  expect(violations, screen).toEqual([]);
}

/** Tab (keyboard only) until the element with this test id has the focus. */
async function tabTo(testId: string) {
  for (let i = 0; i < 80; i++) {
    if ((await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))) === testId) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${testId}`);
}

/** Keyboard only: moves a focused <select> down until it shows the option whose label starts with `label`. */
async function chooseWithKeys(label: string) {
  for (let i = 0; i < 60; i++) {
    const shown = await page.evaluate(() => {
      const select = document.activeElement as HTMLSelectElement | null;
      return select?.selectedOptions?.[0]?.textContent ?? '';
    });
    if (shown.startsWith(label)) return;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`no option ${label}`);
}

describe('the admin console in a browser', () => {
  beforeAll(async () => {
    await mkdir(screenshots, { recursive: true });
    // 10 calls a day, refused past it: 2,500 contacts need 13 list pages, so the first run waits for tomorrow.
    quotaSource = await startZohoInvoiceSimulator({
      seed: 7,
      contactsPerOrganization: 2_500,
      rateLimit: false,
      dailyQuota: { limit: 10, enforce: true },
    });
    ownerSource = await startZohoInvoiceSimulator({ seed: 8, contactsPerOrganization: 20 });
    product = await startProduct({
      allowedHosts: [quotaSource, ownerSource].map((sim) => new URL(sim.apiUrl).host),
    });
    ({ browser, page, consoleErrors } = await openBrowser());
  });

  afterAll(async () => {
    await browser?.close();
    await product?.stop();
    await quotaSource?.close();
    await ownerSource?.close();
  });

  it('signs in, creates a CSV sync through the wizard, runs it and explains what was ignored', async () => {
    await page.goto(product.baseUrl);
    // Keyboard only: the key field is the first stop, Enter signs in.
    await page.getByTestId('sign-in-form').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('api-key');
    await page.keyboard.type(product.adminKey);
    await shot('01-sign-in');
    await expectAccessible('sign in');
    await page.keyboard.press('Enter');
    await page.getByTestId('sync-list-page').waitFor();
    await page.getByRole('heading', { name: 'Sync services' }).waitFor();
    await shot('02-sync-services-empty');
    await expectAccessible('sync services, empty');

    // 1. Details: a new CSV connection and a new mailing list.
    await page.getByTestId('new-sync').click();
    await page.getByTestId('sync-name').fill('Trade fair leads to Newsletter');
    await page.getByTestId('connection-select').selectOption('__new__');
    await page.getByTestId('connector-csv').check();
    await page.getByTestId('connection-name').fill('Trade fair 2026');
    await page.getByTestId('field-settings.fileId').setInputFiles({
      name: 'trade-fair.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    // The file goes up in chunks with a progress bar; then what was detected in it is shown, changeable.
    const progress = page.getByTestId('upload-progress');
    await progress.waitFor();
    await expect.poll(() => page.getByTestId('connection-form').textContent()).toContain('7 rows');
    expect(await progress.getAttribute('value')).toBe(String(Buffer.byteLength(csv)));
    expect(await progress.getAttribute('max')).toBe(String(Buffer.byteLength(csv)));
    expect(await page.getByTestId('file-option-delimiter').inputValue()).toBe(',');
    await expectAccessible('wizard, adding a connection');
    await page.getByTestId('connection-save').click();
    await page.getByTestId('connection-form').waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('source-organization').inputValue()).not.toBe('');
    await createListInWizard(page, 'Newsletter');
    await shot('03-wizard-details');
    await expectAccessible('wizard, details');
    await page.getByTestId('wizard-next').click();

    // 2. Mapping: email and names are pre-mapped; map the company too.
    await page.getByRole('heading', { name: '2. Field mapping' }).waitFor();
    expect(await page.getByTestId('mapping-source-email').inputValue()).toBe('email');
    expect(await page.getByTestId('mapping-source-firstName').inputValue()).toBe('first_name');
    await page.getByTestId('map-more').click();
    await page.getByTestId('mapping-target').fill('company');
    await page.getByTestId('mapping-source').selectOption('company');
    await shot('04-wizard-mapping');
    await expectAccessible('wizard, mapping');
    await page.getByTestId('wizard-next').click();

    // 3. Schedule.
    await page.getByRole('heading', { name: '3. Schedule' }).waitFor();
    await page.getByTestId('frequency-DAILY').check();
    await page.getByTestId('schedule-time').fill('09:30');
    await page.getByTestId('schedule-timezone').selectOption('Asia/Kolkata');
    await shot('05-wizard-schedule');
    await expectAccessible('wizard, schedule');
    await page.getByTestId('wizard-next').click();

    // 4. Review and initiate.
    await page.getByRole('heading', { name: '4. Review' }).waitFor();
    expect(await page.getByTestId('review-schedule').textContent()).toBe('Daily at 09:30, Asia/Kolkata');
    expect(await page.getByTestId('review-first-import').textContent()).toBe(
      'The first import starts now; then daily at 09:30 Asia/Kolkata.',
    );
    // A file has no look-back limit: "everything"; its cost is counted before initiating.
    expect(await page.getByTestId('review-retrieve-from').textContent()).toBe('Everything');
    await expect
      .poll(() => page.getByTestId('review-cost').textContent(), { timeout: 30_000 })
      .toMatch(/^About 7 records; no requests to the source\./);
    await shot('06-wizard-review');
    await expectAccessible('wizard, review');
    // Preview (when the API offers it): the same numbers a run will give, nothing written.
    if ((await page.getByTestId('preview').count()) > 0) {
      await page.getByTestId('preview').click();
      const preview = page.getByTestId('run-report');
      await expect
        .poll(() => preview.getByTestId('run-status').first().textContent(), { timeout: 120_000 })
        .toMatch(/Succeeded|Failed/);
      expect(await preview.getByTestId('total-total').locator('dd').textContent()).toBe('7');
      expect(await preview.getByTestId('total-newLeads').locator('dd').textContent()).toBe('3');
      await shot('06b-wizard-preview');
    }
    await page.getByTestId('initiate').click();
    await page.getByTestId('sync-details-page').waitFor();
    expect(await page.getByTestId('sync-schedule').textContent()).toBe('Daily at 09:30, Asia/Kolkata');

    // Initiating started the first import: follow it until it ends (no "Run now" needed).
    await expectRunSucceeded(page, 120_000);

    // The report's numbers are the API's numbers.
    const run = await lastRunOf(product, 'Trade fair leads to Newsletter');
    expect(run.status).toBe('SUCCEEDED');
    await expectReportTotals(page, run.totals);
    const report = page.getByTestId('run-report');
    const reasons = {
      BOUNCED: run.ignoredBreakdown.bounced,
      DO_NOT_MAIL: run.ignoredBreakdown.doNotMail,
      GROUP_EMAIL: run.ignoredBreakdown.groupEmail,
      FILE_DUPLICATE: run.ignoredBreakdown.fileDuplicate,
      EMPTY_EMAIL: run.ignoredBreakdown.emptyEmail,
      INVALID_PATTERN: run.ignoredBreakdown.invalidPattern,
    };
    for (const [reason, value] of Object.entries(reasons)) {
      expect(await report.getByTestId(`ignored-${reason}-count`).textContent(), reason).toBe(String(value));
    }
    expect(await page.getByTestId(`run-${run.id}-total`).textContent()).toBe(String(run.totals.total));
    // …and they are what the outcome rules say for this file.
    expect(run.totals).toEqual({ total: 7, newLeads: 3, reAdded: 0, duplicate: 0, ignored: 4, deleted: 0 });
    expect(reasons).toEqual({
      BOUNCED: 0,
      DO_NOT_MAIL: 0,
      GROUP_EMAIL: 1,
      FILE_DUPLICATE: 1,
      EMPTY_EMAIL: 1,
      INVALID_PATTERN: 1,
    });
    await shot('07-sync-details-report');
    await expectAccessible('sync details with the run report');

    // The ignored leads: reason and typo suggestion.
    await page.getByTestId('show-ignored-INVALID_PATTERN').click();
    await expect.poll(() => page.getByTestId('records-count').textContent()).toBe('1 record');
    const row = page.getByTestId('record-row').first();
    expect(await row.textContent()).toContain('john.smith@gnail.com');
    expect(await row.getByTestId('record-reason').textContent()).toBe('Invalid email');
    expect(await row.getByTestId('record-suggestion').textContent()).toContain('gmail.com');
    await page.getByTestId('records-table').scrollIntoViewIfNeeded();
    await shot('08-ignored-records');
    await expectAccessible('ignored records');
    await page.getByTestId('records-outcome').selectOption('IGNORED');
    await page.getByTestId('records-reason').selectOption('');
    await expect.poll(() => page.getByTestId('records-count').textContent()).toBe('4 records');
    const ignoredText = await page.getByTestId('records-table').textContent();
    expect(ignoredText).toContain('Group email');
    expect(ignoredText).toContain('Duplicate in source');
    expect(ignoredText).toContain('Empty email');

    // Why is this person not on the list? From the run report to the person's page, and back to the run.
    await page.getByTestId('record-person-link').filter({ hasText: 'info@acmetraders.in' }).click();
    await page.getByTestId('person-page').waitFor();
    await page.getByTestId('timeline-event').first().waitFor();
    expect(await page.getByTestId('person-no-lead').textContent()).toContain('No lead has this address');
    const story = await page.getByTestId('timeline').textContent();
    expect(story).toMatch(/ — sync .+ \(run 1\): ignored, the address is a group address \(info@…\)/);
    await shot('08b-person-timeline');
    await page.getByTestId('timeline-run-link').first().click();
    await page.getByTestId('run-report').waitFor();
    expect(page.url()).toContain(`/runs/${run.id}`);
    // The search box on the Leads page finds a person whatever the case; a lead's page says who created it.
    await page.getByTestId('nav-leads').click();
    await page.getByTestId('person-search').fill('ASHA.RAO@acmetraders.in');
    await page.getByTestId('person-search-go').click();
    await page.getByTestId('person-created-by').waitFor();
    expect(await page.getByTestId('person-email').textContent()).toBe('asha.rao@acmetraders.in');
    const asha = await page.getByTestId('timeline').textContent();
    expect(asha).toContain('new lead, added to the list');
    expect(asha).toContain('the address appeared earlier in the same run');

    // The list shows the sync with its schedule and last run; leads and settings render.
    await page.getByTestId('nav-syncs').click();
    await page.getByTestId('sync-table').waitFor();
    expect(await page.getByTestId('sync-schedule').first().textContent()).toBe(
      'Daily at 09:30, Asia/Kolkata',
    );
    await shot('09-sync-services');
    await expectAccessible('sync services');
    await page.getByTestId('nav-leads').click();
    await expect.poll(() => page.getByTestId('leads-count').textContent()).toMatch(/^[1-9]\d* leads$/);
    await shot('10-leads');
    await expectAccessible('leads');
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-page').getByText('Trade fair 2026').waitFor();
    await shot('11-settings');
    await expectAccessible('settings');

    // Webhooks: add one to an allowed loopback host; the secret is shown once, the list never has it.
    const webhooks = page.getByTestId('webhooks-section');
    await webhooks.getByTestId('add-webhook').click();
    await webhooks.getByTestId('webhook-url').fill('http://127.0.0.1:9/hook');
    await webhooks.getByTestId('webhook-event-RUN_SUCCEEDED').check();
    await webhooks.getByTestId('webhook-event-RUN_FAILED').check();
    await webhooks.getByTestId('create-webhook').click();
    await webhooks.getByTestId('webhook-secret-box').waitFor();
    const secret = await webhooks.getByTestId('webhook-secret').inputValue();
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(await webhooks.getByTestId('webhook-secret-box').textContent()).toMatch(
      /you will not see this secret again/,
    );
    await webhooks.getByText('http://127.0.0.1:9/hook', { exact: true }).first().waitFor();
    const { webhooks: listed } = await graphql<{
      webhooks: { url: string; events: string[]; secret: null }[];
    }>(product, 'query { webhooks { url events secret } }');
    expect(listed.map((w) => ({ ...w, events: [...w.events].sort() }))).toEqual([
      { url: 'http://127.0.0.1:9/hook', events: ['RUN_FAILED', 'RUN_SUCCEEDED'], secret: null },
    ]);
    await webhooks.getByText('How to verify the Leadsync-Signature header').click();
    await webhooks.getByTestId('webhook-secret-box').scrollIntoViewIfNeeded();
    await shot('18-settings-webhooks');
    await expectAccessible('settings, a new webhook');
    await webhooks.getByTestId('secret-done').click();
    expect(await webhooks.getByTestId('webhook-secret-box').count()).toBe(0);

    // Phone width.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId('nav-syncs').click();
    await page.getByTestId('sync-table').waitFor();
    await shot('12-sync-services-phone');
    await page.getByTestId('sync-link').first().click();
    await page.getByTestId('run-report').waitFor();
    await shot('13-sync-details-phone');
    // Nothing wider than the phone: wide tables scroll inside their own box.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('webhooks-section').getByTestId('delete-webhook').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot('18b-settings-webhooks-phone');
    await page.getByTestId('nav-syncs').click();
    await page.getByTestId('new-sync').click();
    await page.getByTestId('new-sync-wizard').waitFor();
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('wizard-error').waitFor();
    await shot('14-wizard-errors-phone');
    await expectAccessible('wizard errors, phone');

    expect(consoleErrors).toEqual([]);
  });

  it('builds a criteria sync on the Zoho Invoice sandbox, respects the look-back, and follows the run to its end', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByTestId('nav-syncs').click();
    await page.getByTestId('new-sync').click();
    await page.getByTestId('sync-name').fill('Sandbox customers with a name');
    // The connection form of Zoho Invoice, drawn from its spec: what to do at Zoho, the fields, the errors beside them.
    await page.getByTestId('connection-select').selectOption('__new__');
    await page.getByTestId('connector-zoho-invoice').check();
    expect(await page.getByTestId('setup-help').textContent()).toContain(
      'ZohoInvoice.contacts.READ,ZohoInvoice.settings.READ',
    );
    expect(await page.getByTestId('field-settings.dataCenter').locator('option').allTextContents()).toContain(
      'United Kingdom (zoho.uk)',
    );
    expect(await page.getByTestId('field-credentials.refreshToken').getAttribute('type')).toBe('password');
    await page.getByTestId('connection-save').click();
    await page.getByText('Enter the account key (refresh token).').waitFor();
    await shot('03b-wizard-connection-zoho');
    await expectAccessible('wizard, the Zoho Invoice connection form');
    await page.getByTestId('connection-form').getByRole('button', { name: 'Cancel' }).click();
    const sandbox = page.getByTestId('connection-select').locator('option', { hasText: 'sandbox' });
    await page
      .getByTestId('connection-select')
      .selectOption((await sandbox.first().getAttribute('value')) ?? '');
    const organization = page.getByTestId('source-organization');
    await expect.poll(() => organization.locator('option').count()).toBeGreaterThan(1);
    if ((await organization.inputValue()) === '') {
      await organization.selectOption({ index: 1 });
    }

    // All of: email is not empty, and (first name is not empty or last name is not empty).
    await page.getByTestId('import-mode-criteria').check();
    await expect
      .poll(() => page.getByTestId('criteria-field').first().locator('option[value="email"]').count())
      .toBe(1);
    await page.getByTestId('criteria-field').nth(0).selectOption('email');
    await page.getByTestId('criteria-op').nth(0).selectOption('is_not_empty');
    await page.getByTestId('criteria-add-group').first().click();
    await page.getByTestId('criteria-field').nth(1).selectOption('first_name');
    await page.getByTestId('criteria-op').nth(1).selectOption('is_not_empty');
    await page.getByTestId('criteria-group-1').getByTestId('criteria-add-rule').click();
    await page.getByTestId('criteria-field').nth(2).selectOption('last_name');
    await page.getByTestId('criteria-op').nth(2).selectOption('is_not_empty');
    await page.getByTestId('mailing-list-select').selectOption({ label: 'Newsletter (3 leads)' });
    await shot('15-wizard-criteria');
    await expectAccessible('wizard, criteria');
    // Save and continue: the first step stores a DRAFT; leaving the wizard loses nothing.
    await page.getByTestId('wizard-next').click();
    await page.getByRole('heading', { name: '2. Field mapping' }).waitFor();
    expect(page.url()).toMatch(/#\/syncs\/[0-9a-f-]{36}\/setup$/);
    await page.getByTestId('nav-syncs').click();
    await page.getByTestId('sync-table').waitFor();
    const draftRow = page.locator('tr', { hasText: 'Sandbox customers with a name' });
    expect(await draftRow.getByTestId('sync-status').textContent()).toMatch(/Draft/);
    await shot('19-sync-services-draft');
    await expectAccessible('sync services with a draft');
    await draftRow.getByTestId('continue-setup').click();
    // The wizard reopens at the step where it was left, with the answers kept.
    await page.getByRole('heading', { name: '2. Field mapping' }).waitFor();
    expect(await page.getByTestId('mapping-source-email').inputValue()).toBe('email');
    await page.getByTestId('step-1').click();
    expect(await page.getByTestId('sync-name').inputValue()).toBe('Sandbox customers with a name');
    expect(await page.getByTestId('criteria-field').count()).toBe(3);
    await page.getByTestId('wizard-next').click();
    await page.getByRole('heading', { name: '2. Field mapping' }).waitFor();
    await page.getByTestId('wizard-next').click();

    // The look-back: the date starts at the earliest day allowed; an older one is refused beside the field.
    await page.getByRole('heading', { name: '3. Schedule' }).waitFor();
    const earliestDay = await page.getByTestId('retrieve-from').getAttribute('min');
    expect(await page.getByTestId('retrieve-from').inputValue()).toBe(earliestDay);
    await page.getByTestId('frequency-WEEKLY').check();
    await page.getByTestId('schedule-weekday').selectOption('1');
    await page.getByTestId('schedule-time').fill('07:00');
    await page.getByTestId('retrieve-from').fill('2020-01-01');
    await page.getByTestId('wizard-next').click();
    await page
      .getByText(/allows at most 30 days|keeps changes for 30 days/)
      .first()
      .waitFor();
    await shot('16-wizard-lookback-error');
    await expectAccessible('wizard, look-back error');
    const earliest = await page.getByTestId('retrieve-from').getAttribute('min');
    expect(earliest).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await page.getByTestId('retrieve-from').fill(earliest ?? '');
    await page.getByTestId('wizard-next').click();
    await page.getByRole('heading', { name: '4. Review' }).waitFor();
    expect(await page.getByTestId('review-schedule').textContent()).toMatch(/^Weekly on Monday at 07:00, /);
    expect(await page.getByTestId('review-first-import').textContent()).toMatch(
      /^The first import starts now; then weekly on Monday at 07:00 /,
    );
    expect(await page.getByTestId('review-retrieve-from').textContent()).toMatch(
      /^Created or changed since /,
    );
    // Counting lists the sandbox's contacts once, within the source's request budget: a few seconds.
    await expect
      .poll(() => page.getByTestId('review-cost').textContent(), { timeout: 60_000 })
      .toMatch(
        /^(About|At least) [\d,]+ records[^;]*; (about|at least) \d+ requests to the source: \d+ list pages?, 0 detail requests, 0 for the deletion check — (about|at least) [\d.<]+% of the account's daily quota of [\d,]+ \([\d,]+ left\)\./,
      );
    await shot('06c-wizard-review-cost');
    await page.getByTestId('initiate').click();
    await page.getByTestId('sync-details-page').waitFor();
    await page.getByTestId('run-report').waitFor();
    // A few thousand contacts take a few seconds: catch the live progress if it is still showing.
    if (await page.getByTestId('run-progress').isVisible()) await shot('17a-sandbox-run-in-progress');
    await expectRunSucceeded(page, 180_000);
    const run = await lastRunOf(product, 'Sandbox customers with a name');
    await expectReportTotals(page, run.totals);
    expect(run.totals.total).toBe(
      run.totals.newLeads + run.totals.reAdded + run.totals.duplicate + run.totals.ignored,
    );
    expect(await page.getByTestId('sync-details-page').textContent()).toContain(
      'Matching: email is not empty and (first_name is not empty or last_name is not empty)',
    );
    await shot('17-sandbox-run-report');
    await expectAccessible('sandbox run report');
    // After initiating, a change makes the next run read the whole window again; the console says so first.
    await page.getByTestId('edit-mapping').click();
    expect(await page.getByTestId('reread-notice').textContent()).toMatch(
      /^After a change of the mapping, the next run re-reads everything since /,
    );
    await page.getByTestId('edit-mapping-panel').scrollIntoViewIfNeeded();
    await shot('20-reread-notice');
    await expectAccessible('edit mapping with the re-read notice');
    await page.getByTestId('edit-mapping-panel').getByRole('button', { name: 'Cancel' }).click();
    // The finished run was announced to the webhook (127.0.0.1:9 refuses): its log shows the attempt.
    await page.getByTestId('nav-settings').click();
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.getByTestId('webhooks-section').getByTestId('delete-webhook').waitFor();
          return page.getByTestId('webhook-delivery').count();
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toBeGreaterThan(0);
    expect(await page.getByTestId('webhook-delivery').first().textContent()).toMatch(/A run succeeded/);
    await shot('18c-settings-webhook-deliveries');
    await expectAccessible('settings, webhook deliveries');
    expect(consoleErrors).toEqual([]);
  });

  it('completes the whole wizard with the keyboard alone', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${product.baseUrl}/#/syncs`);
    await page.getByTestId('sync-table').waitFor();
    await page.getByTestId('new-sync').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('new-sync-wizard').waitFor();
    await expectAccessible('wizard, empty');

    // 1. Details.
    await tabTo('sync-name');
    await page.keyboard.type('Keyboard only');
    await tabTo('connection-select');
    await chooseWithKeys('Trade fair 2026');
    await expect.poll(() => page.getByTestId('source-organization').inputValue()).not.toBe('');
    await tabTo('import-mode-all');
    await page.keyboard.press('Space');
    await tabTo('mailing-list-select');
    await chooseWithKeys('Newsletter');
    await tabTo('wizard-next');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: '2. Field mapping' }).waitFor();

    // 2. Mapping (email and names are pre-mapped, once the file's fields have come).
    await expect.poll(() => page.getByTestId('mapping-source-email').inputValue()).not.toBe('');
    await tabTo('wizard-next');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: '3. Schedule' }).waitFor();

    // 3. Schedule: once, as soon as initiated (no time).
    // A radio group is one Tab stop (the checked one); the arrow keys choose within it.
    await tabTo('frequency-DAILY');
    await page.keyboard.press('ArrowUp');
    expect(await page.getByTestId('frequency-ONCE').isChecked()).toBe(true);
    await tabTo('schedule-time');
    // Clearing the hour leaves no valid time: the field is empty, which a ONCE sync accepts.
    await page.keyboard.press('Backspace');
    await expect.poll(() => page.getByTestId('schedule-time').inputValue()).toBe('');
    await tabTo('wizard-next');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: '4. Review' }).waitFor();
    expect(await page.getByTestId('review-first-import').textContent()).toBe('The import starts now, once.');
    await expectAccessible('wizard, review (keyboard)');

    // 4. Initiate.
    await tabTo('initiate');
    await page.keyboard.press('Enter');
    await page.getByTestId('sync-details-page').waitFor();
    expect(await page.getByTestId('sync-name').textContent()).toBe('Keyboard only');
    await page.getByTestId('run-report').waitFor();
    expect(consoleErrors).toEqual([]);
  });

  it("shows a run waiting for its source account's daily quota, and a change of the account's primary email", async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    const { mailingLists } = await graphql<{ mailingLists: { id: string; name: string }[] }>(
      product,
      'query { mailingLists { id name } }',
    );
    const listId = mailingLists.find((l) => l.name === 'Newsletter')?.id;
    if (!listId) throw new Error('no Newsletter list');
    /** A Zoho connection to a simulator, and an initiated daily sync of its first organization. */
    async function initiatedSync(sim: ZohoInvoiceSimulator, name: string) {
      const { createConnection } = await graphql<{ createConnection: { id: string } }>(
        product,
        'mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }',
        {
          input: {
            connector: 'zoho-invoice',
            name,
            credentials: sim.credentials,
            settings: { dataCenter: 'com', apiUrl: sim.apiUrl, accountsUrl: sim.accountsUrl },
          },
        },
      );
      const { createSync } = await graphql<{ createSync: { id: string } }>(
        product,
        'mutation($input: CreateSyncInput!) { createSync(input: $input) { id } }',
        {
          input: {
            name: `${name} to Newsletter`,
            connectionId: createConnection.id,
            sourceOrganizationId: sim.organizations[0]?.organization_id,
            importMode: 'ALL',
            mailingListId: listId,
            fieldMapping: [{ source: 'email', target: 'email' }],
            schedule: { frequency: 'DAILY', time: '06:00', timeZone: 'Europe/London' },
          },
        },
      );
      await graphql(product, 'mutation($id: ID!) { initiateSync(id: $id) { id } }', { id: createSync.id });
      return { connectionId: createConnection.id, syncId: createSync.id };
    }

    // The daily quota: the first run reads what the quota allows, keeps it, and waits for the next day.
    const small = await initiatedSync(quotaSource, 'Zoho (small daily quota)');
    await page.goto(`${product.baseUrl}/#/syncs/${small.syncId}`);
    await page.getByTestId('sync-details-page').waitFor();
    await reloadUntilRunStatus(page, 'Waiting');
    expect(await page.getByTestId('run-waiting').textContent()).toMatch(
      /^Waiting for the source's quota \(daily API quota of the Zoho account reached\); resumes at .+ your time, by itself\. Everything read so far is kept\.$/,
    );
    await page.getByTestId('run-waiting').evaluate((e) => e.scrollIntoView({ block: 'center' }));
    await shot('21-run-waiting-for-quota', false);
    await expectAccessible('a run waiting for the daily quota');

    // The primary email: the next run finds another owner, ends without writing, and the console says why.
    const owned = await initiatedSync(ownerSource, 'Zoho (owner changes)');
    await page.goto(`${product.baseUrl}/#/syncs/${owned.syncId}`);
    await reloadUntilRunStatus(page, 'Succeeded');
    const before = ownerSource.primaryEmail;
    ownerSource.setPrimaryEmail('new.owner@other-company.example.com');
    await graphql(product, 'mutation($id: ID!) { runSyncNow(id: $id) { id } }', { id: owned.syncId });
    await page.getByTestId('nav-settings').click();
    const card = page.getByTestId(`connection-${owned.connectionId}`);
    await expect
      .poll(
        async () => {
          await page.reload();
          await card.waitFor();
          // The connection's status and its syncs are read by two statements of one query: after a reload at the
          // moment the change commits, the syncs may still be as they were before it; the next reload shows both.
          return `${await card.getByTestId('connection-status').textContent()} / ${await card.textContent()}`;
        },
        { timeout: 120_000, interval: 2_000 },
      )
      .toMatch(/^Needs a new key \/ .*Inactive/);
    // The addresses are masked (first letter and domain).
    const masked = (email: string) => `${email.slice(0, 1)}…${email.slice(email.lastIndexOf('@'))}`;
    expect(await card.getByTestId('needs-key-reason').textContent()).toBe(
      `The account's primary email changed from ${masked(before)} to n…@other-company.example.com: enter the account key again.`,
    );
    await card.scrollIntoViewIfNeeded();
    await shot('22-settings-primary-email-changed');
    await expectAccessible('settings, a connection that needs a new key');
    // Entering the key again (the refresh token alone) stores the new email; the sync stays inactive until activated.
    await card.getByTestId('update-key').click();
    await card.getByTestId('field-credentials.refreshToken').fill(ownerSource.credentials.refreshToken);
    await card.getByTestId('save-key').click();
    await expect
      .poll(() => card.getByTestId('connection-status').textContent(), { timeout: 30_000 })
      .toBe('Active');
    expect(await card.textContent()).toContain('new.owner@other-company.example.com');
    await card.getByTestId('activate-all').click();
    await expect.poll(() => card.getByTestId('activate-all').count()).toBe(0);
    expect(consoleErrors).toEqual([]);
  });

  it('uploads a file of several parts with its progress bar, and lists the rows it skipped by their line', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    // About 7 MB (two 4 MiB parts), with two malformed rows far into the file.
    const rows = 100_000;
    const bad = new Map([
      [50_000, 'broken@fair.example.com,"Quote"d,X,Y'],
      [90_000, 'also.broken@fair.example.com,First,"Last"x,Y'],
    ]);
    const lines = ['email,first_name,last_name,company'];
    for (let i = 1; i <= rows; i++)
      lines.push(bad.get(i) ?? `visitor${i}@fair.example.com,First${i},Last${i},"Stand ${i % 300}, Hall B"`);
    const file = Buffer.from(`${lines.join('\n')}\n`);
    expect(file.length).toBeGreaterThan(4 * 1024 * 1024);

    await page.goto(`${product.baseUrl}/#/syncs`);
    await page.getByTestId('new-sync').click();
    await page.getByTestId('sync-name').fill('Big fair file');
    await page.getByTestId('connection-select').selectOption('__new__');
    await page.getByTestId('connector-csv').check();
    await page.getByTestId('connection-name').fill('Big fair file');
    // Every value the bar shows, from the first part to the last.
    await page.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { progressSeen: number[] }).progressSeen = seen;
      new MutationObserver(() => {
        const value = document.querySelector('[data-testid="upload-progress"]')?.getAttribute('value');
        if (value != null && Number(value) !== seen.at(-1)) seen.push(Number(value));
      }).observe(document.body, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ['value'],
      });
    });
    await page.getByTestId('field-settings.fileId').setInputFiles({
      name: 'big-fair.csv',
      mimeType: 'text/csv',
      buffer: file,
    });
    await expect
      .poll(() => page.getByTestId('connection-form').textContent(), { timeout: 60_000 })
      .toMatch(/big-fair\.csv: about \d{2,3},?\d{3} rows/);
    const seen = await page.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen);
    expect(seen.at(-1)).toBe(file.length);
    expect(seen.some((value) => value > 0 && value < file.length)).toBe(true); // a part in, the rest to come
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(await page.getByTestId('upload-progress').getAttribute('max')).toBe(String(file.length));
    await page.getByTestId('connection-save').click();
    await page.getByTestId('connection-form').waitFor({ state: 'detached' });
    // The file's one source organization (named after it), once the new connection has read the file
    await expect
      .poll(() => page.getByTestId('source-organization').inputValue(), { timeout: 60_000 })
      .not.toBe('');
    await createListInWizard(page, 'Big fair');
    await page.getByTestId('wizard-next').click();
    await page.getByRole('heading', { name: '2. Field mapping' }).waitFor();
    await page.getByTestId('wizard-next').click();
    await scheduleOnceNow(page);
    expect(await page.getByTestId('review-first-import').textContent()).toBe('The import starts now, once.');
    await page.getByTestId('initiate').click();
    await page.getByTestId('sync-details-page').waitFor();

    await expectRunSucceeded(page, 240_000, 2_000);
    const report = page.getByTestId('run-report');
    // The rows the file could not give, by their line in the file; the rest imported.
    const banner = report.getByTestId('run-rejections');
    await banner.locator('li').nth(1).waitFor();
    expect(await banner.locator('p').textContent()).toBe(
      '2 rows of the file could not be read and were skipped (the rest was imported):',
    );
    expect(await banner.locator('li').allTextContents()).toEqual([
      'line 50,001: a quoted value is followed by other characters.',
      'line 90,001: a quoted value is followed by other characters.',
    ]);
    expect(await report.getByTestId('total-total').locator('dd').textContent()).toBe(
      (rows - 2).toLocaleString('en-GB'),
    );
    const { syncs } = await graphql<{
      syncs: { name: string; lastRun: { rejectedCount: number; totals: { total: number } } | null }[];
    }>(product, 'query { syncs { name lastRun { rejectedCount totals { total } } } }');
    expect(syncs.find((s) => s.name === 'Big fair file')?.lastRun).toEqual({
      rejectedCount: 2,
      totals: { total: rows - 2 },
    });
    await banner.scrollIntoViewIfNeeded();
    await shot('23-run-rows-skipped', false);
    await expectAccessible('a run that skipped rows of its file');
    expect(consoleErrors).toEqual([]);
  });
});
