/*
 * Before the browser tests: the backend has just started, so the catalog may still be reading
 * examples/ and the scheduled collection (every 2 minutes) may have run before the services were
 * there. Collect each demo service now through the API, as its Refresh button does.
 */
import { expect, test as setup } from '@playwright/test';
import { DEMO_FLEET, demoUserToken } from './fixtures';

setup(
  'the demo fleet is in the catalog and collected from AWS',
  async ({ request }) => {
    // Waiting for the users, then for each service: more than one test's 90 s on a loaded machine.
    setup.setTimeout(240_000);
    // 404 until the catalog has read the demo users (examples/org.yaml).
    let token = '';
    await expect(async () => {
      token = await demoUserToken(request, 'alice');
    }).toPass({ timeout: 120_000, intervals: [1_000, 2_000, 5_000] });
    const headers = { Authorization: `Bearer ${token}` };
    for (const service of DEMO_FLEET.services) {
      // 404 until the catalog has processed the entity.
      await expect(async () => {
        const response = await request.post(
          `/api/environments/services/default/component/${service.name}/refresh`,
          { headers },
        );
        expect(response.status(), await response.text()).toBe(200);
      }).toPass({ timeout: 120_000, intervals: [1_000, 2_000, 5_000] });
    }
    const fleet = await request.get('/api/environments/fleet', { headers });
    expect(fleet.ok()).toBeTruthy();
    expect((await fleet.json()).totalItems).toBe(DEMO_FLEET.services.length);
  },
);
