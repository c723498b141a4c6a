import type { Page } from 'playwright-core';
import { expect } from 'vitest';

// Steps of the new-sync wizard that several browser stories take the same way.

/** Step 1: a new mailing list named `name`, created from the list select and chosen. */
export async function createListInWizard(page: Page, name: string): Promise<void> {
  await page.getByTestId('mailing-list-select').selectOption('__new__');
  await page.getByTestId('new-list-name').fill(name);
  await page.getByTestId('create-list').click();
  await expect.poll(() => page.getByTestId('mailing-list-select').inputValue()).not.toMatch(/^(|__new__)$/);
}

/** Step 3: once, as soon as initiated (no time), then on to the review. */
export async function scheduleOnceNow(page: Page): Promise<void> {
  await page.getByRole('heading', { name: '3. Schedule' }).waitFor();
  await page.getByTestId('frequency-ONCE').check();
  await page.getByTestId('schedule-time').fill('');
  await page.getByTestId('wizard-next').click();
  await page.getByRole('heading', { name: '4. Review' }).waitFor();
}
