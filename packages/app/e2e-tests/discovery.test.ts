/*
 * How the Environments tab tells what the collector found, and where it looked when it found nothing:
 * each test changes the demo fleet in the emulator the way a team would (a tag removed, an alias not
 * yet created), refreshes the service, checks the page at 1280 and 1920 px, and puts the fleet back.
 */
import {
  CreateAliasCommand,
  DeleteAliasCommand,
  GetAliasCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-lambda';
import { expect, Page, test } from '@playwright/test';
import { DEMO_FLEET, checkPage, lambdaIn, signInAs } from './fixtures';

/** The cell of a row (by its label) in an environment's column (by its title). */
async function cell(page: Page, component: string, row: string, title: string) {
  const matrix = page.getByRole('table', {
    name: `Environments of ${component}`,
  });
  await expect(matrix).toBeVisible();
  const titles = await matrix.locator('thead th').allInnerTexts();
  const column = titles.findIndex(text => text.trim().startsWith(title));
  expect(column, `a column ${title}`).toBeGreaterThan(0);
  return matrix
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader', { name: row, exact: true }) })
    .locator('th, td')
    .nth(column);
}

/** Opens a service's Environments tab and collects it from AWS now, with its Refresh button. */
async function refreshEnvironmentsTab(page: Page, component: string) {
  await page.goto(`/catalog/default/component/${component}/environments`);
  const refreshed = page.waitForResponse(
    r => r.url().endsWith(`/component/${component}/refresh`) && r.ok(),
  );
  await page.getByRole('button', { name: 'Refresh', exact: true }).click();
  await refreshed;
}

test.describe('signed in as alice', () => {
  test.beforeEach(async ({ page }) => {
    await signInAs(page, 'Alice Martin');
  });

  test("notifications-worker's prod function is found by its tags alone; without them the page says where it looked", async ({
    page,
  }, testInfo) => {
    const lambda = await lambdaIn('prod', 'demo-fleet-seeder');
    const arn = `arn:aws:lambda:${DEMO_FLEET.region}:${DEMO_FLEET.accounts.prod}:function:shop-notifications-worker-production`;

    await refreshEnvironmentsTab(page, 'notifications-worker');
    await expect(
      await cell(page, 'notifications-worker', 'Resources found', 'Production'),
    ).toContainText(
      'found by tags, named against the convention: expected shop-notifications-worker-prod',
    );
    await checkPage(page, testInfo, 'notifications-worker-found-by-tags');

    await lambda.send(
      new UntagResourceCommand({ Resource: arn, TagKeys: ['Component'] }),
    );
    try {
      await refreshEnvironmentsTab(page, 'notifications-worker');
      await expect(
        await cell(page, 'notifications-worker', 'Digest', 'Production'),
      ).toContainText('not found');
      await expect(
        await cell(
          page,
          'notifications-worker',
          'Resources found',
          'Production',
        ),
      ).toHaveText(
        `none found; looked for a function named shop-notifications-worker-prod (naming convention {project}-{component}-{env}, from environments.compliance.naming.conventions.lambdaFunction), or tagged Project=shop, Component=notifications-worker, Environment=prod or production, in ${DEMO_FLEET.accounts.prod}/${DEMO_FLEET.region}`,
      );
      await checkPage(page, testInfo, 'notifications-worker-not-found');
    } finally {
      await lambda.send(
        new TagResourceCommand({
          Resource: arn,
          Tags: { Component: 'notifications-worker' },
        }),
      );
      await refreshEnvironmentsTab(page, 'notifications-worker');
    }
    await expect(
      await cell(page, 'notifications-worker', 'Digest', 'Production'),
    ).not.toContainText('not found');
  });

  test('a function without a live alias yet shows as found, with no live alias', async ({
    page,
  }, testInfo) => {
    const lambda = await lambdaIn('staging', 'demo-fleet-seeder');
    const FunctionName = 'shop-reporting-api-staging';
    const { FunctionVersion } = await lambda.send(
      new GetAliasCommand({ FunctionName, Name: 'live' }),
    );

    await lambda.send(new DeleteAliasCommand({ FunctionName, Name: 'live' }));
    try {
      await refreshEnvironmentsTab(page, 'reporting-api');
      await expect(
        await cell(page, 'reporting-api', 'Digest', 'Staging'),
      ).toContainText('found, no live alias');
      await expect(
        await cell(page, 'reporting-api', 'Live version', 'Staging'),
      ).toContainText('no live alias');
      await expect(
        await cell(page, 'reporting-api', 'Resources found', 'Staging'),
      ).toContainText(FunctionName);
      await checkPage(page, testInfo, 'reporting-api-no-live-alias');
    } finally {
      await lambda.send(
        new CreateAliasCommand({ FunctionName, Name: 'live', FunctionVersion }),
      );
      await refreshEnvironmentsTab(page, 'reporting-api');
    }
    await expect(
      await cell(page, 'reporting-api', 'Digest', 'Staging'),
    ).not.toContainText('no live alias');
  });
});
