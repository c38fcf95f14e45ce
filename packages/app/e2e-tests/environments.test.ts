/*
 * What an engineer sees of the demo fleet, checked against what AWS (the emulator) says.
 * Each test saves a screenshot of every page it visits (test-results/, and the HTML report).
 */
import { expect, Locator, test } from '@playwright/test';
import {
  DEMO_FLEET,
  DemoEnvironment,
  digestRow,
  ENVIRONMENT_TITLES,
  demoUserToken,
  liveDigestFromAws,
  matrixCell,
  openEnvironmentsTab,
  pointLiveAt,
  screenshot,
  checkPage,
  expectLabelAboveText,
  short,
  shownDigest,
  signInAs,
} from './fixtures';

test.describe('signed in as alice (team-checkout)', () => {
  test('the demo sign-in makes alice the user every backend sees', async ({
    page,
    request,
  }, testInfo) => {
    await page.goto('/');
    await expect(
      page.getByRole('button', { name: 'Sign in as Bob Nguyen' }),
    ).toBeVisible();
    await screenshot(page, testInfo, 'sign-in');

    const token = await signInAs(page, 'Alice Martin');

    // The token the page holds authenticates as user:default/alice, with her team from the catalog.
    const userInfo = await request.get('/api/auth/v1/userinfo', {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(userInfo.ok()).toBeTruthy();
    expect((await userInfo.json()).claims).toMatchObject({
      sub: 'user:default/alice',
      ent: expect.arrayContaining(['group:default/team-checkout']),
    });

    await page.goto('/settings');
    await expect(page.getByText('Alice Martin').first()).toBeVisible();
    await expect(page.getByText('alice@example.com').first()).toBeVisible();
    await screenshot(page, testInfo, 'settings');
  });

  test('the catalog leads to checkout-api, whose Environments tab shows the digests AWS runs', async ({
    page,
  }, testInfo) => {
    await signInAs(page, 'Alice Martin');

    // The catalog opens on what alice owns: her team's services, found through her catalog groups.
    const table = page
      .getByRole('table')
      .filter({ has: page.getByRole('columnheader', { name: 'Owner' }) });
    await expect(
      table.getByRole('link', { name: 'Checkout API' }),
    ).toBeVisible();
    await expect(
      table.getByRole('link', { name: 'Payments API' }),
    ).toBeVisible();
    await expect(
      table.getByRole('link', { name: 'Inventory service' }),
    ).toHaveCount(0);
    await screenshot(page, testInfo, 'catalog');
    await table.getByRole('link', { name: 'Checkout API' }).click();
    // The entity page's tabs are links; the sidebar has an "Environments" link of its own (the fleet).
    await page
      .getByRole('main')
      .getByRole('link', { name: 'Environments', exact: true })
      .click();
    await expect(page).toHaveURL(
      /\/catalog\/default\/component\/checkout-api\/environments$/,
    );
    const matrix = page.getByRole('table', {
      name: 'Environments of checkout-api',
    });
    await expect(matrix).toBeVisible();
    await checkPage(page, testInfo, 'checkout-api-environments');

    // The copy button beside prod's digest: Backstage's, in its quiet style, beside the digest (not a
    // dark square over it); Tab and Enter copy the full digest.
    const prodDigest = await matrixCell(
      matrix,
      'Digest',
      ENVIRONMENT_TITLES.prod,
    );
    const digestLink = prodDigest.getByRole('link', {
      name: /^[0-9a-f]{12} \(image in ECR\)/,
    });
    const copy = prodDigest.getByRole('button', {
      name: 'Copy the full digest running in prod',
    });
    const [linkBox, copyBox] = [
      await digestLink.boundingBox(),
      await copy.boundingBox(),
    ];
    expect(copyBox!.x).toBeGreaterThanOrEqual(linkBox!.x + linkBox!.width);
    expect(copyBox!.height).toBeLessThanOrEqual(32);
    expect(
      await copy.evaluate(button => getComputedStyle(button).backgroundColor),
    ).toBe('rgba(0, 0, 0, 0)');
    await page
      .context()
      .grantPermissions(['clipboard-read', 'clipboard-write']);
    await digestLink.focus();
    await page.keyboard.press('Tab');
    await expect(copy).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('tooltip')).toHaveText('Full digest copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
      `sha256:${await liveDigestFromAws('checkout-api', 'prod')}`,
    );

    const shown = await digestRow(matrix);
    for (const environment of ['dev', 'staging', 'prod'] as DemoEnvironment[]) {
      const fromAws = await liveDigestFromAws('checkout-api', environment);
      expect(
        shownDigest(shown.get(ENVIRONMENT_TITLES[environment])),
        `the digest shown for ${environment}`,
      ).toBe(fromAws.slice(0, 12));
    }
  });

  test('prod of checkout-api says staging has a newer build', async ({
    page,
  }, testInfo) => {
    await signInAs(page, 'Alice Martin');
    const matrix = await openEnvironmentsTab(page, 'checkout-api');

    // AWS first: each environment runs a newer build than the next (v1.5.0, v1.4.0, v1.3.2).
    const [dev, staging, prod] = await Promise.all(
      (['dev', 'staging', 'prod'] as const).map(e =>
        liveDigestFromAws('checkout-api', e),
      ),
    );
    expect(new Set([dev, staging, prod]).size).toBe(3);

    const shown = await digestRow(matrix);
    expect(shown.get(ENVIRONMENT_TITLES.prod)).toContain(
      'staging has a newer build',
    );
    expect(shown.get(ENVIRONMENT_TITLES.staging)).toContain(
      'dev has a newer build',
    );
    // The first environment has nothing before it to compare with.
    expect(shown.get(ENVIRONMENT_TITLES.dev)).not.toContain('newer build');
    await screenshot(page, testInfo, 'checkout-api-promotion-cues');
  });

  test('the fleet page lists the five services, with nothing cut off at 1280 and 1440 px', async ({
    page,
  }, testInfo) => {
    await signInAs(page, 'Alice Martin');
    await page.goto('/environments');
    await expect(
      page.getByRole('heading', { name: 'Fleet', exact: true }),
    ).toBeVisible();

    const fleet = page.getByRole('table', { name: 'Fleet' });
    await expect(fleet).toBeVisible();
    for (const service of DEMO_FLEET.services) {
      await expect(
        fleet.getByRole('link', { name: service.title, exact: true }),
      ).toBeVisible();
    }
    // Every cell shows all it holds (owner names, findings), and the table needs no sideways scroll.
    await expect(
      fleet.getByText(/\d+ (error|warning)s?/).first(),
    ).toBeVisible();
    for (const width of [1280, 1440]) {
      await page.setViewportSize({ width, height: 900 });
      expect(await clippedFleetCells(fleet), `at ${width} px`).toEqual({
        sideways: 0,
        clipped: [],
      });
    }
    await checkPage(page, testInfo, 'fleet');
  });

  test("the fleet's summary tiles narrow the rows, by mouse and keyboard, and the URL keeps the choice", async ({
    page,
  }, testInfo) => {
    await signInAs(page, 'Alice Martin');
    await page.goto('/environments');
    const fleet = page.getByRole('table', { name: 'Fleet' });
    const tiles = page.getByRole('group', { name: 'Fleet summary' });
    const services = tiles.getByRole('button', { name: / Services$/ });
    const needPromotion = tiles.getByRole('button', {
      name: / Need promotion$/,
    });
    await expect(services).toHaveAccessibleName(
      `${DEMO_FLEET.services.length} Services`,
    );
    await expect(services).toHaveAttribute('aria-pressed', 'true');

    // checkout-api needs a promotion (AWS runs three different digests in its environments).
    const count = Number(/\d+/.exec(await needPromotion.innerText())![0]);
    expect(count).toBeGreaterThanOrEqual(1);
    await needPromotion.click();
    await expect(page).toHaveURL(/[?&]status=needs-promotion(&|$)/);
    const rows = fleet.getByRole('rowgroup').getByRole('row');
    await expect(rows).toHaveCount(count);
    await expect(
      fleet.getByRole('link', { name: 'Checkout API', exact: true }),
    ).toBeVisible();
    for (const row of await rows.all()) {
      await expect(row).toContainText('has a newer build');
    }
    await checkPage(page, testInfo, 'fleet-needs-promotion');

    // A reload (or a shared link) opens the fleet as filtered.
    await page.reload();
    await expect(needPromotion).toHaveAttribute('aria-pressed', 'true');
    await expect(rows).toHaveCount(count);

    // From the keyboard: Shift+Tab from the search field walks back through the tiles to Services.
    await expect(
      tiles.getByRole('button', { name: / Non-compliant$/ }),
    ).toBeEnabled();
    await page.getByRole('searchbox', { name: 'Search' }).focus();
    for (let i = 0; i < 5; i++) await page.keyboard.press('Shift+Tab');
    await expect(services).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(rows).toHaveCount(DEMO_FLEET.services.length);
    await expect(page).not.toHaveURL(/status=/);
    await page.keyboard.press('Tab');
    await expect(needPromotion).toBeFocused();
    await page.keyboard.press('Space');
    await expect(rows).toHaveCount(count);
  });
});

/**
 * What the fleet table cuts off in the page as laid out now: how far it would scroll sideways, and the
 * text of every cell whose content is wider or taller than the cell.
 */
async function clippedFleetCells(fleet: Locator) {
  return fleet.evaluate(table => {
    const scroller = table.parentElement!;
    const cells = [
      ...table.querySelectorAll<HTMLElement>(
        '[role=columnheader], [role=cell]',
      ),
    ];
    return {
      sideways: scroller.scrollWidth - scroller.clientWidth,
      clipped: cells
        .filter(
          cell =>
            cell.scrollWidth > cell.clientWidth + 1 ||
            cell.scrollHeight > cell.clientHeight + 1,
        )
        .map(cell => cell.textContent),
    };
  });
}

// Carol (team-platform) owns inventory-service, not checkout-api: the demo policy lets only a service's
// owners request its promotions and roll it back, and the UI asks the permission framework before offering to.
test.describe('signed in as carol (team-platform)', () => {
  test("checkout-api's change buttons are disabled for carol and say which permission she lacks", async ({
    page,
  }, testInfo) => {
    await signInAs(page, 'Carol Diaz');
    const matrix = await openEnvironmentsTab(page, 'checkout-api');
    const prod = await matrixCell(matrix, 'Change', ENVIRONMENT_TITLES.prod);

    // staging runs a newer build, so only the permission keeps carol from promoting it.
    const promote = prod.getByRole('button', {
      name: 'Promote to prod',
      exact: true,
    });
    await expect(promote).toBeDisabled();
    // A disabled button takes no pointer events: its wrapper shows the tooltip.
    await promote.locator('xpath=..').hover();
    await expect(page.getByRole('tooltip')).toHaveText(
      'You are not allowed to request promotions of checkout-api (permission environments.promotion.request).',
    );
    await screenshot(page, testInfo, 'checkout-api-promote-not-allowed');
    await promote.click({ force: true });
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await page.mouse.move(0, 0);
    await expect(page.getByRole('tooltip')).toHaveCount(0);

    const rollBack = prod.getByRole('button', {
      name: 'Roll back',
      exact: true,
    });
    await expect(rollBack).toBeDisabled();
    await rollBack.locator('xpath=..').hover();
    await expect(page.getByRole('tooltip')).toHaveText(
      'You are not allowed to roll back checkout-api (permission environments.rollback).',
    );

    // The decision is per service: carol may roll back her team's inventory-service.
    const own = await openEnvironmentsTab(page, 'inventory-service');
    const ownRollBack = (
      await matrixCell(own, 'Change', ENVIRONMENT_TITLES.prod)
    ).getByRole('button', { name: 'Roll back', exact: true });
    await expect(ownRollBack).toBeEnabled();

    // Its prod stack holds the function but not the live alias: the plan warns of nothing.
    const planned = page.waitForResponse(
      r => r.url().endsWith('/rollbacks') && r.request().method() === 'POST',
    );
    await ownRollBack.click();
    const dialog = page.getByRole('dialog');
    expect((await (await planned).json()).warnings).toEqual([]);
    await expect(
      dialog.getByRole('button', { name: /^Roll back to version \d+$/ }),
    ).toBeEnabled();
    await expect(dialog).not.toContainText('owns the live alias');
    await checkPage(page, testInfo, 'inventory-service-rollback-dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toHaveCount(0);
  });
});

// Alice (team-checkout) requests checkout-api staging → prod; she may not approve her own request.
// Bob (same team) approves from his Approvals page in his own browser, the backend promotes on AWS,
// and bob rolls prod back to the version it ran before, which leaves prod as the seed made it.
test.describe('promotions', () => {
  // The history test reads what the promotion test did.
  test.describe.configure({ mode: 'serial' });

  test('alice requests checkout-api staging → prod, bob approves, prod then runs the staging digest, and a rollback restores the previous one', async ({
    page,
    browser,
  }, testInfo) => {
    // Two users, an execution against AWS and a rollback: longer than one page's test.
    test.setTimeout(240_000);

    // What AWS runs before: staging a newer build than prod (the seeded demo fleet).
    const [stagingDigest, prodDigest] = await Promise.all([
      liveDigestFromAws('checkout-api', 'staging'),
      liveDigestFromAws('checkout-api', 'prod'),
    ]);
    expect(stagingDigest).not.toBe(prodDigest);

    // Alice opens the promote dialog from prod's column: it shows prod's digest → staging's.
    await signInAs(page, 'Alice Martin');
    const aliceMatrix = await openEnvironmentsTab(page, 'checkout-api');
    await (await matrixCell(aliceMatrix, 'Change', ENVIRONMENT_TITLES.prod))
      .getByRole('button', { name: 'Promote to prod', exact: true })
      .click();
    const promoteDialog = page.getByRole('dialog');
    await expect(promoteDialog).toContainText('Promote staging to Production');
    await expect(promoteDialog).toContainText(
      `Digest ${short(prodDigest)} → ${short(stagingDigest)}`,
    );
    await expect(promoteDialog).toContainText(
      'Approval required by the owners (team-checkout)',
    );
    await promoteDialog
      .getByLabel('Comment (optional)')
      .fill('v1.4.0 passed staging');
    await expectLabelAboveText(promoteDialog.getByLabel('Comment (optional)'));
    await checkPage(page, testInfo, 'promote-dialog');
    await promoteDialog
      .getByRole('button', { name: 'Request promotion' })
      .click();

    // The request as the backend made it, then its page: alice requested it, so she cannot approve.
    const requestLink = promoteDialog.getByRole('link', {
      name: 'Open the request page',
    });
    await expect(requestLink).toBeVisible();
    await requestLink.click();
    await expect(page).toHaveURL(/\/environments\/promotions\/[^/]+$/);
    const requestPath = new URL(page.url()).pathname;
    const aliceHeading = page.getByRole('heading', {
      name: 'checkout-api: staging → prod',
    });
    await expect(aliceHeading.locator('xpath=..')).toContainText('requested');
    await expect(page.getByRole('article')).toContainText(
      `Digest ${short(prodDigest)} → ${short(stagingDigest)}`,
    );
    await expect(page.getByRole('article')).toContainText(
      'Requested by Alice Martin',
    );
    await expect(page.getByRole('article')).toContainText(
      '“v1.4.0 passed staging”',
    );
    await expect(page.getByRole('article')).toContainText(
      '0 of 1 approvals from members of Team Checkout',
    );
    await expect(
      page.getByRole('list', { name: 'Still missing' }),
    ).toContainText(
      '1 more approval from members of Team Checkout (not Alice Martin)',
    );
    await expect(
      page.getByRole('button', { name: 'Approve', exact: true }),
    ).toBeDisabled();
    await expect(
      page.getByRole('button', { name: 'Reject', exact: true }),
    ).toBeDisabled();
    await expect(page.getByRole('note')).toHaveText(
      'You requested this promotion; someone else must approve it.',
    );
    await checkPage(page, testInfo, 'request-as-requester');

    // Bob, in his own browser: the request waits for him on his Approvals page.
    const bobContext = await browser.newContext({
      baseURL: testInfo.project.use.baseURL,
      viewport: testInfo.project.use.viewport,
    });
    try {
      const bob = await bobContext.newPage();
      await signInAs(bob, 'Bob Nguyen');
      await bob.goto('/environments/approvals');
      // Only Approvals is the current page in the sidebar, not Environments above it.
      const sidebar = bob.getByRole('navigation', { name: 'sidebar nav' });
      await expect(
        sidebar.getByRole('link', { name: 'Approvals', exact: true }),
      ).toHaveAttribute('aria-current', 'page');
      await expect(
        sidebar.getByRole('link', { name: 'Environments', exact: true }),
      ).not.toHaveAttribute('aria-current', 'page');
      const awaiting = bob.getByRole('table').filter({
        has: bob.getByRole('columnheader', { name: 'Requested by' }),
      });
      const row = awaiting
        .getByRole('row')
        .filter({ hasText: 'staging → prod' })
        .filter({ hasText: short(stagingDigest) });
      await expect(row).toContainText('alice');
      await expect(row).toContainText('0 of 1');
      await checkPage(bob, testInfo, 'approvals-page');
      await row.getByRole('link', { name: 'checkout-api' }).click();
      await expect(bob).toHaveURL(new RegExp(`${requestPath}$`));

      // Bob may decide: both buttons are enabled and nothing says why not.
      const approve = bob.getByRole('button', { name: 'Approve', exact: true });
      await expect(approve).toBeEnabled();
      await expect(
        bob.getByRole('button', { name: 'Reject', exact: true }),
      ).toBeEnabled();
      await expect(bob.getByRole('note')).toHaveCount(0);
      await bob.getByLabel('Comment (optional)').fill('Looks good, ship it');
      await expectLabelAboveText(bob.getByLabel('Comment (optional)'));
      await checkPage(bob, testInfo, 'request-as-approver');
      await approve.click();

      // The approval completes the request: the page follows its execution until it succeeds.
      const bobHeading = bob.getByRole('heading', {
        name: 'checkout-api: staging → prod',
      });
      await expect(bobHeading.locator('xpath=..')).toContainText('succeeded', {
        timeout: 120_000,
      });
      const main = bob.getByRole('article');
      await expect(main).toContainText(
        'Bob Nguyen approved: “Looks good, ship it”',
      );
      await expect(main).toContainText(
        /Live serves version \d+ with the promoted digest/,
      );
      const steps = bob.getByRole('table', { name: 'Execution steps' });
      for (const step of [
        'read-live-alias',
        'update-function-code',
        'wait-for-update',
        'publish-version',
        'switch-alias',
        'verify',
      ]) {
        await expect(
          steps.getByRole('row').filter({
            has: bob.getByRole('cell', { name: step, exact: true }),
          }),
          `the step ${step}`,
        ).toContainText('succeeded');
      }
      await expect(steps).not.toContainText('failed');
      await checkPage(bob, testInfo, 'promotion-succeeded');

      // AWS: prod's live alias now serves staging's digest.
      expect(await liveDigestFromAws('checkout-api', 'prod')).toBe(
        stagingDigest,
      );

      // The Environments tab shows it once the service is read from AWS again (its Refresh button).
      const bobMatrix = await openEnvironmentsTab(bob, 'checkout-api');
      const refreshed = bob.waitForResponse(
        r => r.url().endsWith('/checkout-api/refresh') && r.ok(),
      );
      await bob.getByRole('button', { name: 'Refresh', exact: true }).click();
      await refreshed;
      await expect
        .poll(async () =>
          shownDigest(
            (await digestRow(bobMatrix)).get(ENVIRONMENT_TITLES.prod),
          ),
        )
        .toBe(short(stagingDigest));
      await screenshot(bob, testInfo, 'environments-after-promotion');

      // Bob rolls prod back: the version live before the promotion is chosen, with prod's old digest.
      await (await matrixCell(bobMatrix, 'Change', ENVIRONMENT_TITLES.prod))
        .getByRole('button', { name: 'Roll back', exact: true })
        .click();
      const rollbackDialog = bob.getByRole('dialog');
      await expect(rollbackDialog).toContainText('Roll back Production');
      // The live version (staging's digest now) cannot be chosen; bob picks the one prod ran before.
      const live = rollbackDialog.getByRole('radio', { disabled: true });
      await expect(live).toHaveCount(1);
      await expect(live).toHaveAccessibleName(
        new RegExp(`^Version \\d+ ${short(stagingDigest)} live`),
      );
      // Only the seeded version has prod's old digest, however often prod was promoted since.
      const previous = rollbackDialog.getByRole('radio', {
        name: new RegExp(`^Version \\d+ ${short(prodDigest)}`),
      });
      await previous.check();
      await expect(previous).toBeChecked();
      const previousVersion = await previous.getAttribute('value');
      expect(previousVersion).toMatch(/^\d+$/);
      await rollbackDialog
        .getByLabel('Comment (optional)')
        .fill('Back to the release before, for the next test run');
      // prod's stack defines the live alias (read from its template): said before bob confirms.
      await expect(rollbackDialog).toContainText(
        'CloudFormation stack shop-checkout-api-prod owns the live alias of shop-checkout-api-prod: this rollback creates drift that the next stack deploy undoes.',
      );
      await checkPage(bob, testInfo, 'rollback-dialog');
      await rollbackDialog
        .getByRole('button', {
          name: `Roll back to version ${previousVersion}`,
          exact: true,
        })
        .click();

      await expect(rollbackDialog).toContainText(
        new RegExp(`Version \\d+ → ${previousVersion}`),
      );
      await expect(rollbackDialog).toContainText(
        `Live serves version ${previousVersion} again`,
        { timeout: 60_000 },
      );
      await expect(
        rollbackDialog
          .getByRole('table', { name: 'Execution steps' })
          .getByRole('row')
          .filter({ has: bob.getByRole('cell', { name: 'switch-alias' }) }),
      ).toContainText('succeeded');
      await checkPage(bob, testInfo, 'rollback-succeeded');

      // AWS: prod serves the digest it served before the promotion, as seeded.
      expect(await liveDigestFromAws('checkout-api', 'prod')).toBe(prodDigest);

      // Closing the dialog reads the service again: the matrix shows prod's previous digest.
      await rollbackDialog.getByRole('button', { name: 'Close' }).click();
      await expect(rollbackDialog).toHaveCount(0);
      await expect
        .poll(async () =>
          shownDigest(
            (await digestRow(bobMatrix)).get(ENVIRONMENT_TITLES.prod),
          ),
        )
        .toBe(short(prodDigest));
      await screenshot(bob, testInfo, 'environments-after-rollback');
    } finally {
      await bobContext.close();
    }
  });

  test("checkout-api's recent changes show bob's rollback above alice's promotion", async ({
    page,
  }, testInfo) => {
    // Staging was not changed: it still runs the digest the test before promoted.
    const stagingDigest = await liveDigestFromAws('checkout-api', 'staging');
    await signInAs(page, 'Alice Martin');
    await openEnvironmentsTab(page, 'checkout-api');

    const history = page.getByRole('table', {
      name: 'Recent changes of checkout-api',
    });
    const rows = history.locator('tbody tr');
    await expect(rows).toHaveCount(2);
    const recently = /^(just now|\d+ minutes? ago)$/;
    await expect(rows.nth(0).getByRole('cell')).toHaveText([
      /^Rolled prod back to version \d+$/,
      'bob',
      recently,
      'succeeded',
      '“Back to the release before, for the next test run”',
    ]);
    await expect(rows.nth(1).getByRole('cell')).toHaveText([
      `Promoted ${short(stagingDigest)} staging → prod`,
      'alice, approved by bob',
      recently,
      'succeeded',
      '“v1.4.0 passed staging”',
    ]);
    await checkPage(page, testInfo, 'checkout-api-recent-changes');

    // The promotion leads to its request page.
    await history
      .getByRole('link', {
        name: `Promoted ${short(stagingDigest)} staging → prod`,
      })
      .click();
    await expect(
      page.getByRole('heading', { name: 'checkout-api: staging → prod' }),
    ).toBeVisible();

    // And the rollback to its own page, with the steps that switched the alias back.
    await page.goBack();
    await history
      .getByRole('link', { name: /^Rolled prod back to version \d+$/ })
      .click();
    await expect(
      page.getByRole('heading', {
        name: /^checkout-api: prod back to version \d+$/,
      }),
    ).toBeVisible();
    await expect(
      page
        .getByRole('table', { name: 'Execution steps' })
        .getByRole('cell', { name: 'switch-alias', exact: true }),
    ).toBeVisible();
    // The stack owns the alias: the page keeps the warning, and the drift is intended until a promotion.
    await expect(
      page.getByText(
        /^Warning: CloudFormation stack shop-checkout-api-prod owns the live alias of shop-checkout-api-prod/,
      ),
    ).toBeVisible();
    await expect(
      page.getByText(
        'The stack shop-checkout-api-prod owns the live alias: it differs from the stack on purpose until the next promotion.',
      ),
    ).toBeVisible();
    await checkPage(page, testInfo, 'checkout-api-rollback-page');
  });

  test('the Promote dialog promotes what it shows: when staging moves on meanwhile, it says what changed and the matrix shows it after closing', async ({
    page,
    request,
  }, testInfo) => {
    const seen = await liveDigestFromAws('checkout-api', 'staging');
    await signInAs(page, 'Alice Martin');
    const matrix = await openEnvironmentsTab(page, 'checkout-api');
    await (await matrixCell(matrix, 'Change', ENVIRONMENT_TITLES.prod))
      .getByRole('button', { name: 'Promote to prod', exact: true })
      .click();
    const promoteDialog = page.getByRole('dialog');
    await expect(promoteDialog).toContainText(`→ ${short(seen)}`);

    // Someone deploys staging while the dialog is open: its live alias goes back to v1.3.1 (version 1).
    await pointLiveAt('checkout-api', 'staging', '1');
    try {
      const now = await liveDigestFromAws('checkout-api', 'staging');
      expect(now).not.toBe(seen);
      await promoteDialog
        .getByRole('button', { name: 'Request promotion' })
        .click();
      await expect(promoteDialog).toContainText(
        `The promotion could not be requested: staging no longer runs the digest you saw: seen sha256:${seen}, now sha256:${now} (version 1)`,
      );
      await checkPage(page, testInfo, 'promote-dialog-source-moved');
      await promoteDialog.getByRole('button', { name: 'Cancel' }).click();
      // Closing read the service again from AWS: the matrix shows what staging runs now.
      await expect
        .poll(async () =>
          shownDigest(
            (await digestRow(matrix)).get(ENVIRONMENT_TITLES.staging),
          ),
        )
        .toBe(short(now));
    } finally {
      // Staging as the seed made it, and the backend's copy too.
      await pointLiveAt('checkout-api', 'staging', '3');
      const token = await demoUserToken(request, 'alice');
      const refreshed = await request.post(
        '/api/environments/services/default/component/checkout-api/refresh',
        { headers: { Authorization: `Bearer ${token}` } },
      );
      expect(refreshed.ok(), await refreshed.text()).toBeTruthy();
    }
  });
});
