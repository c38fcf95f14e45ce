/*
 * The configuration matrix of the demo fleet (docs/configuration-matrix.md): what each environment has
 * and lacks, on the Environments tab, in the Promote dialog, and on the fleet page.
 */
import { expect, test } from '@playwright/test';
import {
  ENVIRONMENT_TITLES,
  matrixCell,
  openEnvironmentsTab,
  screenshot,
  checkPage,
  signInAs,
} from './fixtures';

test.describe('the configuration matrix, as alice (team-checkout)', () => {
  test("payments-api's Configuration shows prod lacking ANALYTICS_ID and DEBUG on, and never a secret's value", async ({
    page,
  }, testInfo) => {
    await signInAs(page, 'Alice Martin');
    await openEnvironmentsTab(page, 'payments-api');
    const configuration = page.getByRole('table', {
      name: 'Configuration of payments-api',
    });
    await expect(configuration).toBeVisible();

    await expect(
      configuration.getByLabel('ANALYTICS_ID in prod'),
    ).toContainText('absentrequired');
    await expect(configuration.getByLabel('DEBUG in prod')).toContainText(
      'variabletrueforbidden',
    );
    await expect(
      configuration.getByLabel('EMAIL_API_KEY in prod'),
    ).toContainText('(secret, not read)');
    await expect(
      configuration.getByLabel('STRIPE_SECRET_KEY in prod'),
    ).toContainText('secret(secret, not read)');
    const findings = page.getByRole('list', {
      name: 'Configuration findings of payments-api',
    });
    await expect(findings).toContainText(
      'prod (error): ANALYTICS_ID is required in prod (environments.settings.rules.variables.ANALYTICS_ID)',
    );
    await expect(findings).toContainText('DEBUG must not be set in prod');
    // The seeded SecureString and secret values (examples/fleet/demo-fleet.yaml) reach no page.
    await expect(page.locator('body')).not.toContainText(
      'demo-secure-email-key',
    );
    await expect(page.locator('body')).not.toContainText(
      'demo-secret-stripe-key',
    );
    await configuration.scrollIntoViewIfNeeded();
    await checkPage(page, testInfo, 'payments-api-configuration');
  });

  test('promoting payments-api to prod, which lacks a required variable, shows it in the dialog and is refused', async ({
    page,
  }, testInfo) => {
    await signInAs(page, 'Alice Martin');
    const matrix = await openEnvironmentsTab(page, 'payments-api');
    await (await matrixCell(matrix, 'Change', ENVIRONMENT_TITLES.prod))
      .getByRole('button', { name: 'Promote to prod', exact: true })
      .click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toContainText('Promote staging to Production');
    await expect(dialog).toContainText(
      'Production refuses promotions while its configuration has these findings',
    );
    await expect(
      dialog.getByRole('list', { name: 'Configuration findings of prod' }),
    ).toContainText('ANALYTICS_ID is required in prod');
    await checkPage(page, testInfo, 'promote-dialog-configuration-gate');

    await dialog.getByRole('button', { name: 'Request promotion' }).click();

    await expect(dialog).toContainText(
      'The promotion could not be requested: prod refuses promotions while its configuration has findings (environments.settings.promotionGate.prod: block)',
    );
    await expect(dialog).toContainText('ANALYTICS_ID is required in prod');
    await expect(
      dialog.getByRole('link', { name: 'Open the request page' }),
    ).toHaveCount(0);
    await screenshot(page, testInfo, 'promote-dialog-configuration-refused');
  });

  test('the fleet page narrows to the services whose configuration has findings', async ({
    page,
  }, testInfo) => {
    await signInAs(page, 'Alice Martin');
    await page.goto('/environments');
    const filter = page.getByLabel('Configuration findings');
    await expect(filter).toBeEnabled();
    await filter.check();

    const fleet = page.getByRole('table', { name: 'Fleet' });
    for (const title of [
      'Payments API',
      'Reporting API',
      'Notifications worker',
    ]) {
      await expect(
        fleet.getByRole('link', { name: title, exact: true }),
      ).toBeVisible();
    }
    await expect(
      fleet.getByRole('link', { name: 'Inventory service', exact: true }),
    ).toHaveCount(0);
    await checkPage(page, testInfo, 'fleet-configuration-findings');
  });
});
