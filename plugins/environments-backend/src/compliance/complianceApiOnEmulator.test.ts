import { Emulator, seedDemoFleet } from '@internal/demo-fleet';
import request from 'supertest';
import {
  ACCOUNTS,
  describeWithMoto,
  startAwsEmulator,
  tagFunction,
} from '../__testUtils__/emulator';
import { demoConfig, demoEntities } from '../__testUtils__/demoApp';
import { startRefreshedPlugin } from '../__testUtils__/testBackend';

/**
 * The whole plugin on the seeded demo fleet: the scheduled refresh collects it from the emulator and
 * evaluates it, the API shows the findings, and a fix in AWS clears its finding at the next refresh.
 */
describeWithMoto(
  'compliance of the demo fleet through the plugin (moto)',
  () => {
    jest.setTimeout(240_000);
    let emulator: Emulator;
    let server: Parameters<typeof request>[0];
    let stopBackend: () => Promise<void>;

    const findingsOf = async (name: string) => {
      const res = await request(server).get(
        `/api/environments/services/default/component/${name}/findings`,
      );
      expect(res.status).toBe(200);
      return res.body;
    };
    const namingAndTags = (items: any[]) =>
      items
        .filter(f => f.kind === 'naming' || f.kind === 'tags')
        .map(f => [f.environment, f.rule, f.subject]);

    beforeAll(async () => {
      // The main account's keys too, as scripts/start.sh provides them.
      emulator = await startAwsEmulator({
        env: { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' },
      });
      await seedDemoFleet({ endpoint: emulator.endpoint });

      ({ server, stop: stopBackend } = await startRefreshedPlugin({
        config: demoConfig(emulator.endpoint),
        entities: demoEntities(),
      }));
    });

    afterAll(async () => {
      await stopBackend?.();
      await emulator?.stop();
    });

    it("shows notifications-worker's misnamed prod function and the tags its staging function misses", async () => {
      const { items, summary } = await findingsOf('notifications-worker');

      expect(namingAndTags(items)).toEqual([
        ['staging', 'tags.required', 'CostCenter'],
        ['staging', 'tags.required', 'Owner'],
        ['prod', 'naming.environment-spelling', undefined],
      ]);
      expect(items.find((f: any) => f.kind === 'naming')).toMatchObject({
        expected: 'shop-notifications-worker-prod',
        actual: 'shop-notifications-worker-production',
      });
      expect(summary.bySeverity.error).toBeGreaterThanOrEqual(2);
    });

    it('has nothing on inventory-service', async () => {
      const { items, summary } = await findingsOf('inventory-service');

      expect(items).toEqual([]);
      expect(summary).toMatchObject({
        total: 0,
        evaluatedAt: expect.any(String),
      });
    });

    it('says "not checked" for CloudFormation drift, which the emulator does not offer', async () => {
      const res = await request(server).post(
        '/api/environments/services/default/component/inventory-service/drift-check',
      );

      expect(res.status).toBe(200);
      expect(
        res.body.stacks.map((s: any) => [s.environment, s.stackName, s.status]),
      ).toEqual([
        ['dev', 'shop-inventory-service-dev', 'not-checked'],
        ['staging', 'shop-inventory-service-staging', 'not-checked'],
        ['prod', 'shop-inventory-service-prod', 'not-checked'],
      ]);
      expect(res.body.stacks[0].reason).toMatch(
        /CloudFormation drift detection is not available here/,
      );
      expect(res.body.items).toEqual([]);
    });

    it('clears the missing tags once they are added in AWS and the service is refreshed', async () => {
      await tagFunction(
        emulator.endpoint,
        ACCOUNTS.staging,
        'shop-notifications-worker-staging',
        { Owner: 'team-platform', CostCenter: 'CC-2002' },
      );

      const refreshed = await request(server).post(
        '/api/environments/services/default/component/notifications-worker/refresh',
      );
      expect(refreshed.status).toBe(200);

      const { items } = await findingsOf('notifications-worker');
      expect(namingAndTags(items)).toEqual([
        ['prod', 'naming.environment-spelling', undefined],
      ]);
    });
  },
);
