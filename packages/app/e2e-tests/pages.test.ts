/*
 * The pages of the product the other browser tests do not visit, each checked as people see it:
 * screenshots at 1280 and 1920 px and the accessibility scan (checkPage). Together with the other
 * files, every page of the product is checked: see docs/e2e.md for the list.
 *
 * The file sorts after environments.test.ts and newService.test.ts: the promotion it requests (and
 * cancels) would otherwise show in the recent changes those tests count.
 */
import { expect, Page, test } from '@playwright/test';
import {
  checkPage,
  ENVIRONMENT_TITLES,
  liveDigestFromAws,
  pick,
  short,
  signInAs,
} from './fixtures';

/** Chooses an option of a scaffolder form's select field (an enum parameter), by the parameter's name. */
async function choose(page: Page, parameter: string, option: string) {
  await page.locator(`#root_${parameter}`).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

test("checkout-api's overview card shows the digest AWS runs in each environment", async ({
  page,
}, testInfo) => {
  await signInAs(page, 'Alice Martin');
  await page.goto('/catalog/default/component/checkout-api');
  const card = page.getByRole('table', { name: 'Digest per environment' });
  await expect(card).toBeVisible();
  for (const environment of ['dev', 'staging', 'prod'] as const) {
    const row = card.getByRole('row').filter({
      has: page.getByRole('rowheader', {
        name: ENVIRONMENT_TITLES[environment],
      }),
    });
    await expect(row).toContainText(
      short(await liveDigestFromAws('checkout-api', environment)),
    );
  }
  await checkPage(page, testInfo, 'checkout-api-overview');
});

test('the approvals page says so when nothing awaits the user', async ({
  page,
}, testInfo) => {
  // Carol approves for team-platform, whose services have no open request.
  await signInAs(page, 'Carol Diaz');
  await page.goto('/environments/approvals');
  await expect(page.getByText('Nothing awaits your approval')).toBeVisible();
  await checkPage(page, testInfo, 'approvals-empty');
});

test('the fleet page narrowed by a shared link to one owner', async ({
  page,
}, testInfo) => {
  await signInAs(page, 'Alice Martin');
  await page.goto('/environments?owner=group:default/team-checkout');
  const rows = page
    .getByRole('table', { name: 'Fleet' })
    .getByRole('rowgroup')
    .getByRole('row');
  await expect(rows.first()).toBeVisible();
  for (const row of await rows.all()) {
    await expect(row).toContainText('team-checkout');
  }
  await expect(page.getByLabel('Owner')).toHaveText('team-checkout');
  await checkPage(page, testInfo, 'fleet-one-owner');
});

test('the "Promote a service" template: its form, review and result, then the request it made is cancelled', async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000);
  const staging = await liveDigestFromAws('checkout-api', 'staging');
  await signInAs(page, 'Alice Martin');
  await page.goto('/create/templates/default/promote-service');
  await pick(page, 'Service', 'checkout', /Checkout API/);
  await choose(page, 'targetEnvironment', 'prod');
  await page
    .getByLabel('Comment', { exact: true })
    .fill('Checked by the browser tests');
  await checkPage(page, testInfo, 'promote-template-form');
  await page.getByRole('button', { name: 'Review' }).click();
  await expect(page.getByText('Checked by the browser tests')).toBeVisible();
  await checkPage(page, testInfo, 'promote-template-review');
  await page.getByRole('button', { name: 'Create' }).click();

  const request = page.getByRole('link', { name: 'Promotion request' });
  await expect(request).toBeVisible({ timeout: 120_000 });
  await expect(page.locator('body')).toContainText(
    `sha256:${staging} from staging to prod`,
  );
  await checkPage(page, testInfo, 'promote-template-result');

  // The request waits for an approval: alice, who made it, cancels it on its page (the task's link
  // opens it in a new tab).
  const [requestPage] = await Promise.all([
    page.context().waitForEvent('page'),
    request.click(),
  ]);
  const heading = requestPage.getByRole('heading', {
    name: 'checkout-api: staging → prod',
  });
  await expect(heading.locator('xpath=..')).toContainText('requested');
  await requestPage.getByRole('button', { name: 'Cancel request' }).click();
  await expect(heading.locator('xpath=..')).toContainText('cancelled');
});

test('the "Roll back a service" template: its form and review (not run: it would change prod)', async ({
  page,
}, testInfo) => {
  await signInAs(page, 'Alice Martin');
  await page.goto('/create/templates/default/rollback-service');
  await pick(page, 'Service', 'checkout', /Checkout API/);
  await choose(page, 'environment', 'prod');
  await page
    .getByRole('textbox', { name: 'Reason', exact: true })
    .fill('Checked by the browser tests');
  await checkPage(page, testInfo, 'rollback-template-form');
  await page.getByRole('button', { name: 'Review' }).click();
  await expect(page.getByText('Checked by the browser tests')).toBeVisible();
  await checkPage(page, testInfo, 'rollback-template-review');
});
