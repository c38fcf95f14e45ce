/*
 * Shared steps of the browser tests: signing in as a demo user, reading the truth from the AWS
 * emulator, and saving a screenshot of each page as a test artifact.
 */
import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { APIRequestContext, expect, Page, TestInfo } from '@playwright/test';

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

/**
 * A Lambda client in an environment's account of the emulator, acting through a role assumed from the
 * main account as the backend does: the product's reader role, or the seeder's to change the fleet.
 */
export async function lambdaIn(
  environment: DemoEnvironment,
  roleName: 'environments-reader' | 'demo-fleet-seeder' = 'environments-reader',
): Promise<LambdaClient> {
  const accountId = DEMO_FLEET.accounts[environment];
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
  return new LambdaClient({
    endpoint: EMULATOR_ENDPOINT,
    region: DEMO_FLEET.region,
    credentials: {
      accessKeyId: Credentials!.AccessKeyId!,
      secretAccessKey: Credentials!.SecretAccessKey!,
      sessionToken: Credentials!.SessionToken,
    },
  });
}

/**
 * The digest AWS reports as live for a service in an environment: assumes the product's reader role in
 * the environment's account, as the backend does, and reads the `live` alias's CodeSha256.
 */
export async function liveDigestFromAws(
  component: string,
  environment: DemoEnvironment,
): Promise<string> {
  const lambda = await lambdaIn(environment);
  const functionName = `${DEMO_FLEET.project}-${component}-${environment}`;
  const fn = await lambda.send(
    new GetFunctionCommand({ FunctionName: functionName, Qualifier: 'live' }),
  );
  const digest = fn.Configuration?.CodeSha256;
  if (!digest || !/^[0-9a-f]{64}$/.test(digest)) {
    throw new Error(
      `${functionName}:live in ${DEMO_FLEET.accounts[environment]} has no image digest (CodeSha256 ${digest})`,
    );
  }
  return digest;
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

/** Saves a full-page screenshot as an artifact of the test (test-results/, and the HTML report). */
export async function screenshot(page: Page, testInfo: TestInfo, name: string) {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}
