/*
 * Shared steps of the browser tests: signing in as a demo user, reading the truth from the AWS
 * emulator, and saving a screenshot of each page as a test artifact.
 */
import {
  CreateRepositoryCommand,
  ECRClient,
  PutImageCommand,
  RepositoryAlreadyExistsException,
} from '@aws-sdk/client-ecr';
import {
  GetFunctionCommand,
  LambdaClient,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { releaseImage, SEEDER_ROLE_NAME } from '@internal/demo-fleet';
import {
  APIRequestContext,
  expect,
  Locator,
  Page,
  TestInfo,
} from '@playwright/test';
import { expectAccessible } from './accessibility';

/** The emulator scripts/e2e.sh starts (app-config.yaml points the demo accounts there). */
export const EMULATOR_ENDPOINT =
  process.env.EMULATOR_ENDPOINT ?? 'http://127.0.0.1:4566';

/** The demo fleet's contract (examples/fleet/demo-fleet.yaml, app-config.yaml). */
export const DEMO_FLEET = {
  project: 'shop',
  region: 'eu-west-1',
  accounts: {
    dev: '111111111111',
    staging: '222222222222',
    prod: '333333333333',
  },
  services: [
    { name: 'checkout-api', title: 'Checkout API' },
    { name: 'inventory-service', title: 'Inventory service' },
    { name: 'payments-api', title: 'Payments API' },
    { name: 'notifications-worker', title: 'Notifications worker' },
    { name: 'reporting-api', title: 'Reporting API' },
  ],
} as const;

export type DemoEnvironment = keyof typeof DEMO_FLEET.accounts;

/** The environments' titles, as the matrix heads its columns (app-config.yaml). */
export const ENVIRONMENT_TITLES: Record<DemoEnvironment, string> = {
  dev: 'Development',
  staging: 'Staging',
  prod: 'Production',
};

/** Client settings acting in an account of the emulator through a role there, as on AWS. */
async function actingIn(accountId: string, roleName: string) {
  const main = { accessKeyId: 'test', secretAccessKey: 'test' };
  const sts = new STSClient({
    endpoint: EMULATOR_ENDPOINT,
    region: DEMO_FLEET.region,
    credentials: main,
  });
  const { Credentials } = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${accountId}:role/${roleName}`,
      RoleSessionName: 'e2e-tests',
    }),
  );
  return {
    endpoint: EMULATOR_ENDPOINT,
    region: DEMO_FLEET.region,
    credentials: {
      accessKeyId: Credentials!.AccessKeyId!,
      secretAccessKey: Credentials!.SecretAccessKey!,
      sessionToken: Credentials!.SessionToken,
    },
  };
}

/** A Lambda client acting in an environment's account through a role there, as the backend does. */
export async function lambdaIn(
  environment: DemoEnvironment,
  roleName = 'environments-reader',
): Promise<LambdaClient> {
  return new LambdaClient(
    await actingIn(DEMO_FLEET.accounts[environment], roleName),
  );
}

function functionName(component: string, environment: DemoEnvironment) {
  return `${DEMO_FLEET.project}-${component}-${environment}`;
}

/**
 * What a team's build pipeline does, which the demo has none of: pushes the image of `release` to the
 * service's ECR repository in every account (as ECR replication would: promotions deploy the same digest
 * from each account's own registry), deploys it to the dev function, publishes a version and points
 * `live` at it. Returns the image's digest.
 */
export async function deployBuildToDev(
  component: string,
  release: string,
): Promise<string> {
  const image = releaseImage(component, release);
  for (const accountId of Object.values(DEMO_FLEET.accounts)) {
    const ecr = new ECRClient(await actingIn(accountId, SEEDER_ROLE_NAME));
    await ecr
      .send(new CreateRepositoryCommand({ repositoryName: component }))
      .catch(error => {
        if (!(error instanceof RepositoryAlreadyExistsException)) throw error;
      });
    await ecr.send(
      new PutImageCommand({
        repositoryName: component,
        imageTag: release,
        imageManifest: image.manifest,
        imageManifestMediaType: image.mediaType,
        imageDigest: image.digest,
      }),
    );
  }
  const lambda = await lambdaIn('dev', SEEDER_ROLE_NAME);
  const name = functionName(component, 'dev');
  await lambda.send(
    new UpdateFunctionCodeCommand({
      FunctionName: name,
      ImageUri: `${DEMO_FLEET.accounts.dev}.dkr.ecr.${DEMO_FLEET.region}.amazonaws.com/${component}@${image.digest}`,
    }),
  );
  await waitUntilFunctionUpdatedV2(
    { client: lambda, maxWaitTime: 60, minDelay: 1, maxDelay: 2 },
    { FunctionName: name },
  );
  const { Version } = await lambda.send(
    new PublishVersionCommand({
      FunctionName: name,
      Description: release,
    }),
  );
  await lambda.send(
    new UpdateAliasCommand({
      FunctionName: name,
      Name: 'live',
      FunctionVersion: Version,
    }),
  );
  return image.digest;
}

/**
 * The digest AWS reports as live for a service in an environment: assumes the product's reader role in
 * the environment's account, as the backend does, and reads the `live` alias's CodeSha256.
 */
export async function liveDigestFromAws(
  component: string,
  environment: DemoEnvironment,
): Promise<string> {
  const lambda = await lambdaIn(environment, 'environments-reader');
  const name = functionName(component, environment);
  const fn = await lambda.send(
    new GetFunctionCommand({ FunctionName: name, Qualifier: 'live' }),
  );
  const digest = fn.Configuration?.CodeSha256;
  if (!digest || !/^[0-9a-f]{64}$/.test(digest)) {
    throw new Error(
      `${name}:live in ${DEMO_FLEET.accounts[environment]} has no image digest (CodeSha256 ${digest})`,
    );
  }
  return digest;
}

/** Points a service's `live` alias at a version, as a deployment outside the product would (the seeder's role). */
export async function pointLiveAt(
  component: string,
  environment: DemoEnvironment,
  version: string,
): Promise<void> {
  const lambda = await lambdaIn(environment, 'demo-fleet-seeder');
  await lambda.send(
    new UpdateAliasCommand({
      FunctionName: functionName(component, environment),
      Name: 'live',
      FunctionVersion: version,
    }),
  );
}

/** Chooses an option of a scaffolder form's autocomplete field (EntityPicker, OwnerPicker) by typing. */
export async function pick(
  page: Page,
  label: string,
  text: string,
  option: RegExp,
) {
  const box = page
    .getByRole('combobox', { name: label })
    .or(page.getByLabel(label))
    .first();
  await box.click();
  await box.fill(text);
  await page.getByRole('option', { name: option }).first().click();
}

/** A user's Backstage token straight from the demo provider, for API calls outside the browser. */
export async function demoUserToken(
  request: APIRequestContext,
  user: string,
): Promise<string> {
  const response = await request.get('/api/auth/demo/refresh', {
    headers: { 'x-demo-user': user },
  });
  expect(response.ok(), await response.text()).toBeTruthy();
  return (await response.json()).backstageIdentity.token;
}

/**
 * Signs in on the sign-in page as the demo user with this display name, and returns the token the
 * backend issued (what every later API call of the page carries).
 */
export async function signInAs(page: Page, displayName: string) {
  await page.goto('/');
  const refreshed = page.waitForResponse(
    r => r.url().endsWith('/api/auth/demo/refresh') && r.ok(),
  );
  await page
    .getByRole('button', { name: `Sign in as ${displayName}`, exact: true })
    .click();
  const session = await (await refreshed).json();
  await expect(
    page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();
  return session.backstageIdentity.token as string;
}

/**
 * Checks a page of the product as people see it: screenshots at 1280 and 1920 px wide, and the
 * accessibility scan at 1280 px (where columns are narrowest), which fails on serious or critical
 * violations.
 */
export async function checkPage(page: Page, testInfo: TestInfo, name: string) {
  const viewport = page.viewportSize();
  await page.setViewportSize({ width: 1280, height: viewport?.height ?? 900 });
  await screenshot(page, testInfo, `${name}-1280`);
  await expectAccessible(page, testInfo, name);
  await page.setViewportSize({ width: 1920, height: viewport?.height ?? 900 });
  await screenshot(page, testInfo, `${name}-1920`);
  if (viewport) await page.setViewportSize(viewport);
}

/**
 * Saves a full-page screenshot as an artifact of the test (test-results/, and the HTML report). CSS
 * transitions are finished first: a field's label caught halfway up its transition would seem to sit
 * over the typed text.
 */
export async function screenshot(page: Page, testInfo: TestInfo, name: string) {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true, animations: 'disabled' });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

/**
 * A text field's label sits above the text typed into it, once its move up is over (a label on the
 * typed text is what people saw in a screenshot taken during the move).
 */
export async function expectLabelAboveText(input: Locator) {
  const id = await input.getAttribute('id');
  const label = input.page().locator(`label[for="${id}"]`);
  await expect
    .poll(
      async () => {
        const [labelBox, inputBox] = [
          await label.boundingBox(),
          await input.boundingBox(),
        ];
        return inputBox!.y - (labelBox!.y + labelBox!.height);
      },
      { message: `the label of #${id} ends above its text` },
    )
    .toBeGreaterThanOrEqual(0);
}

/** The matrix's Digest row, one entry per column title, with the text each cell shows. */
export async function digestRow(matrix: Locator): Promise<Map<string, string>> {
  const titles = await matrix.locator('thead th').allInnerTexts();
  const row = matrix
    .getByRole('row')
    .filter({ has: matrix.page().getByRole('rowheader', { name: 'Digest' }) });
  const cells = await row.getByRole('cell').allInnerTexts();
  // The first head cell stands over the row labels.
  return new Map(titles.slice(1).map((title, i) => [title.trim(), cells[i]]));
}

export function shownDigest(cellText: string | undefined): string | undefined {
  return /\b[0-9a-f]{12}\b/.exec(cellText ?? '')?.[0];
}

export async function openEnvironmentsTab(page: Page, component: string) {
  await page.goto(`/catalog/default/component/${component}/environments`);
  const matrix = page.getByRole('table', {
    name: `Environments of ${component}`,
  });
  await expect(matrix).toBeVisible();
  return matrix;
}

/** The cell of the matrix's row `rowLabel` under the column titled `columnTitle`. */
export async function matrixCell(
  matrix: Locator,
  rowLabel: string,
  columnTitle: string,
): Promise<Locator> {
  const titles = (await matrix.locator('thead th').allInnerTexts()).map(t =>
    t.trim(),
  );
  const index = titles.slice(1).indexOf(columnTitle);
  expect(index, `a column titled ${columnTitle} in ${titles}`).toBeGreaterThan(
    -1,
  );
  return matrix
    .getByRole('row')
    .filter({
      has: matrix
        .page()
        .getByRole('rowheader', { name: rowLabel, exact: true }),
    })
    .getByRole('cell')
    .nth(index);
}

/** The 12 characters the UI quotes of a digest. */
export function short(digest: string) {
  return digest.slice(0, 12);
}
