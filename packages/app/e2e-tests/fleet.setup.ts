/*
 * Before the browser tests: the backend has just started, so the catalog may still be reading
 * examples/, and the first full collection (every 2 minutes) may have run before the services were
 * there. The plugin looks for services it never collected every 30 seconds
 * (environments.refresh.newServicesFrequency) and collects them: wait for that, as a user opening the
 * portal right after `scripts/start.sh` would, without pressing any Refresh button.
 */
import { expect, test as setup } from '@playwright/test';
import { DEMO_FLEET, demoUserToken } from './fixtures';

setup(
  'the demo fleet is in the catalog and collected from AWS',
  async ({ request }) => {
    setup.setTimeout(240_000);
    // 404 until the catalog has read the demo users (examples/org.yaml).
    let token = '';
    await expect(async () => {
      token = await demoUserToken(request, 'alice');
    }).toPass({ timeout: 120_000, intervals: [1_000, 2_000, 5_000] });
    const headers = { Authorization: `Bearer ${token}` };
    await expect(async () => {
      const response = await request.get('/api/environments/fleet', {
        headers,
      });
      expect(response.status(), await response.text()).toBe(200);
      const fleet: {
        items: Array<{
          entityRef: string;
          environments: Array<{ environment: string; status: string }>;
        }>;
      } = await response.json();
      expect(fleet.items.map(item => item.entityRef).sort()).toEqual(
        DEMO_FLEET.services.map(s => `component:default/${s.name}`).sort(),
      );
      for (const item of fleet.items) {
        expect(
          item.environments.filter(e => e.status === 'unknown'),
          item.entityRef,
        ).toEqual([]);
      }
    }).toPass({ timeout: 180_000, intervals: [2_000, 5_000] });
  },
);
