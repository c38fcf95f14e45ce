import { expect, test } from '@playwright/test';
import { screenshot } from './fixtures';

test('guest signs in, and the sidebar leads to the catalog and the fleet', async ({
  page,
}, testInfo) => {
  await page.goto('/');
  await page
    .getByRole('button', { name: 'Sign in as guest', exact: true })
    .click();

  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await expect(
    nav.getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();
  await expect(
    nav.getByRole('link', { name: 'Environments', exact: true }),
  ).toBeVisible();
  await screenshot(page, testInfo, 'guest-home');
});
