/*
 * Benchmark, not a test (run by `yarn bench:ui`): how long the fleet page takes to show its first rows for
 * 1,000 services. The page, the app and the browser are real; the fleet answer is generated in the browser
 * so that the figure measures rendering, not the backend (`yarn bench` measures the endpoint). Prints
 * figures; asserts only that the rows appear.
 */
import { test, expect } from '@playwright/test';
import { signInAs } from './fixtures';

const SERVICES = 1000;
const RUNS = 5;
const environments = ['dev', 'staging', 'prod'];

function fleetPage() {
  const items = Array.from({ length: SERVICES }, (_, i) => {
    const name = `svc${String(i).padStart(4, '0')}`;
    const digest = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;
    return {
      entityRef: `component:default/${name}`,
      title: name,
      owner:
        i % 2 ? 'group:default/team-checkout' : 'group:default/team-platform',
      system: 'system:default/shop',
      environments: environments.map((environment, e) => ({
        environment,
        status: 'ok',
        digest: digest((i + e) % 9),
        liveVersion: String(e + 1),
        stale: false,
        ...(e > 0
          ? {
              comparison: {
                previousEnvironment: environments[e - 1],
                sameDigestAsPrevious: false,
                promotionPending: i % 3 === 0,
                unpromotedArtifact: i % 7 === 0,
              },
            }
          : {}),
      })),
      needsPromotion: i % 3 === 0,
      hasUnpromotedArtifact: i % 7 === 0,
      stale: false,
    };
  });
  return { items, totalItems: SERVICES, offset: 0, limit: SERVICES };
}

test('fleet page: first rows of 1,000 services', async ({ page }) => {
  const body = JSON.stringify(fleetPage());
  await page.route('**/api/environments/fleet**', route =>
    route.fulfill({ contentType: 'application/json', body }),
  );
  await page.route('**/api/environments/compliance**', route =>
    route.fulfill({ contentType: 'application/json', body: '{"items":[]}' }),
  );
  await signInAs(page, 'Alice Martin');
  await page.goto('/catalog');

  const figures: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    await page.goto('/catalog');
    await expect(
      page.getByRole('link', { name: 'Environments' }).first(),
    ).toBeVisible();
    // Timed inside the page: from the click to the frame that first paints the first service's row.
    await page.evaluate(() => {
      const w = window as any;
      w.firstRowPaintedAt = undefined;
      const observer = new MutationObserver(() => {
        if (document.querySelector('a[href$="/svc0000"]')) {
          observer.disconnect();
          requestAnimationFrame(() => {
            w.firstRowPaintedAt = performance.now();
          });
        }
      });
      observer.observe(document.body, { childList: true, subtree: true });
      document.addEventListener(
        'click',
        () => {
          w.clickedAt = performance.now();
        },
        { capture: true, once: true },
      );
    });
    // Client-side navigation, as a person clicking the sidebar: the app is already loaded.
    await page.getByRole('link', { name: 'Environments' }).first().click();
    await expect(
      page.getByRole('link', { name: 'svc0000', exact: true }),
    ).toBeVisible();
    await page.waitForFunction(
      () => (window as any).firstRowPaintedAt !== undefined,
    );
    figures.push(
      Math.round(
        await page.evaluate(() => {
          const w = window as any;
          return w.firstRowPaintedAt - w.clickedAt;
        }),
      ),
    );
  }
  const rows = await page.getByRole('row').count();
  const sorted = [...figures].sort((a, b) => a - b);
  const line = `fleet page, ${SERVICES} services: first rows after ${sorted
    .map(f => `${f} ms`)
    .join(', ')} (median ${
    sorted[Math.floor(RUNS / 2)]
  } ms, target < 1000 ms); ${rows} rows in the DOM`;
  // eslint-disable-next-line no-console
  console.log(line);
  test.info().annotations.push({ type: 'figure', description: line });
});
