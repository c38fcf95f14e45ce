/*
 * "Create a new service" through the UI, end to end: the form refuses a name that is taken, the real run
 * pushes the repository to the demo Git server, registers the service in the catalog and deploys its
 * environments on the emulator; then a first build reaches dev and is promoted to staging.
 *
 * The file sorts after environments.test.ts on purpose: the fleet those tests count has five services,
 * and this one adds a sixth.
 */
import { expect, test } from '@playwright/test';
import {
  deployBuildToDev,
  ENVIRONMENT_TITLES,
  liveDigestFromAws,
  matrixCell,
  openEnvironmentsTab,
  checkPage,
  pick,
  short,
  signInAs,
} from './fixtures';

const COMPONENT = 'cart-api';
/** The demo's Git server (scripts/e2e.sh), as the template's hidden gitServer parameter names it. */
const GIT_SERVER = process.env.GIT_SERVER_URL ?? 'http://127.0.0.1:7010';

test('alice creates cart-api from the portal: repository, catalog, environments, then a first promotion', async ({
  page,
}, testInfo) => {
  test.setTimeout(300_000);
  await signInAs(page, 'Alice Martin');

  // The Create page: the card says what the template writes, envs/ENVIRONMENT/... included.
  await page.goto('/create');
  await expect(
    page.getByText(/\(envs\/ENVIRONMENT\/terraform\.tfvars\)/),
  ).toBeVisible();
  await expect(page.locator('body')).not.toContainText('envs//');
  await checkPage(page, testInfo, 'create-cards');
  await page.goto('/create/templates/default/create-service');
  // The form header repeats the description.
  await expect(
    page.getByText(/\(envs\/ENVIRONMENT\/terraform\.tfvars\)/).first(),
  ).toBeVisible();

  // The form: a name that is taken is refused with the backend's words, on the field.
  await expect(
    page.getByText('The service', { exact: true }).first(),
  ).toBeVisible();
  await page.getByLabel('Component').fill('checkout-api');
  await pick(page, 'Owner', 'Checkout', /Team Checkout/);
  await pick(page, 'System', 'Shop', /ACME Shop/);
  await page.getByLabel('Description').fill('Keeps the shopping cart');
  await page.getByLabel('Cost center').fill('cc-100');
  await page.getByRole('button', { name: 'Review' }).click();
  // Under the field itself (and in the form's list of errors).
  await expect(page.locator('#root_component__error')).toContainText(
    "A service named 'checkout-api' already exists in the catalog",
  );
  await checkPage(page, testInfo, 'create-form-refused');

  await page.getByLabel('Component').fill(COMPONENT);
  await page.getByRole('button', { name: 'Review' }).click();
  await checkPage(page, testInfo, 'create-review');
  await page.getByRole('button', { name: 'Create' }).click();

  // The result page: what was created, and the links to the service and its repository.
  const open = page.getByRole('link', { name: 'Open the service' });
  await expect(open).toBeVisible({ timeout: 120_000 });
  const main = page.locator('body');
  await expect(main).toContainText(`shop-${COMPONENT}-dev`);
  await expect(main).toContainText('created');
  await expect(main).not.toContainText("task's workspace");
  await checkPage(page, testInfo, 'create-result');

  // The repository is on the Git server, with what the template wrote and what was deployed.
  const raw = await page.request.get(
    `${GIT_SERVER}/shop-${COMPONENT}/raw/main/catalog-info.yaml`,
  );
  expect(await raw.text()).toContain(`name: ${COMPONENT}`);
  const stack = await page.request.get(
    `${GIT_SERVER}/shop-${COMPONENT}/raw/main/cloudformation/service.json`,
  );
  expect(await stack.text()).toContain('AWS::Lambda::Function');

  // The catalog has the service within seconds (its processing loop reads the registered location),
  // owned by the chosen team.
  await open.click();
  await expect(page).toHaveURL(
    new RegExp(`/catalog/default/component/${COMPONENT}`),
  );
  await expect(async () => {
    await page.reload();
    await expect(page.locator('body')).toContainText('Team Checkout', {
      timeout: 3_000,
    });
  }).toPass({ timeout: 60_000, intervals: [2_000] });

  // Its environments, collected from AWS within a minute: dev runs the platform's initial image.
  const initial = await liveDigestFromAws(COMPONENT, 'dev');
  await expect(async () => {
    const matrix = await openEnvironmentsTab(page, COMPONENT);
    await expect(
      await matrixCell(matrix, 'Digest', ENVIRONMENT_TITLES.dev),
    ).toContainText(short(initial), { timeout: 2_000 });
  }).toPass({ timeout: 90_000, intervals: [5_000] });
  await checkPage(page, testInfo, 'new-service-environments');

  // The team's first build reaches dev (its pipeline's job); then dev → staging, which needs no approval.
  const build = await deployBuildToDev(COMPONENT, '0.1.0');
  const matrix = await openEnvironmentsTab(page, COMPONENT);
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(
    await matrixCell(matrix, 'Digest', ENVIRONMENT_TITLES.dev),
  ).toContainText(short(build.replace(/^sha256:/, '')));
  await (await matrixCell(matrix, 'Change', ENVIRONMENT_TITLES.staging))
    .getByRole('button', { name: 'Promote to staging', exact: true })
    .click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Comment (optional)').fill('first build');
  await dialog.getByRole('button', { name: 'Request promotion' }).click();
  await dialog.getByRole('link', { name: 'Open the request page' }).click();
  const heading = page.getByRole('heading', {
    name: `${COMPONENT}: dev → staging`,
  });
  await expect(heading.locator('xpath=..')).toContainText('succeeded', {
    timeout: 120_000,
  });
  expect(`sha256:${await liveDigestFromAws(COMPONENT, 'staging')}`).toBe(build);
  await checkPage(page, testInfo, 'new-service-promoted');
});
