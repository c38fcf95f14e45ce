import { TestDatabases } from '@backstage/backend-test-utils';
import { EnvironmentComparison } from '@internal/backstage-plugin-environments-common';
import { seedDemoFleet } from '@internal/demo-fleet';
import {
  collectOnce,
  DEMO_ENVIRONMENTS,
  DEMO_FLEET,
  DEMO_SERVICES,
  describeWithMoto,
  digestOf,
  startAwsEmulator,
} from '../__testUtils__/emulator';
import { migrateDatabase } from '../migrations';
import { DatabaseMatrixStore } from './DatabaseMatrixStore';
import { RefreshResult } from './collector/types';

const ref = (component: string) => `component:default/${component}`;

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

/**
 * The seeder publishes in the three accounts side by side, so which account published first changes
 * from one run to the next: each run seeds a fresh emulator, and every run must show the same matrix.
 */
describeWithMoto.each([1, 2, 3])(
  'the demo fleet on a fresh install (seeding %i)',
  () => {
    jest.setTimeout(300_000);
    let result: RefreshResult;
    let calls: Record<string, number>;

    beforeAll(async () => {
      const emulator = await startAwsEmulator();
      try {
        await seedDemoFleet({ endpoint: emulator.endpoint });
        const collected = await collectOnce(emulator.endpoint, DEMO_SERVICES);
        result = collected.result;
        calls = collected.aws.callCounter.callsByOperation();
      } finally {
        await emulator.stop();
      }
    });

    it('reads every published version with the list pages: no call added per function', () => {
      expect(result.failedLocations).toEqual([]);
      const prod = result.services
        .find(s => s.entityRef === ref('checkout-api'))!
        .environments.find(e => e.environment === 'prod')!;
      expect(prod.versions?.map(v => [v.version, v.digest])).toEqual([
        ['1', digestOf('checkout-api', 'v1.3.1')],
        ['2', digestOf('checkout-api', 'v1.3.2')],
      ]);
      expect(calls).toEqual({
        'lambda:ListFunctions': 3,
        'lambda:GetFunction': 15,
        // One tag walk per account (each holds 5 tagged functions: one page).
        'tag:GetResources': 3,
        'cloudformation:DescribeStacks': 3,
        // moto does not tag functions with their stack: one call per stack.
        'cloudformation:ListStackResources': 15,
        // Which stacks define the live alias: one template per stack.
        'cloudformation:GetTemplate': 15,
      });
    });

    it("reads each environment's reserved concurrency from GetFunction, as the fleet declares it", () => {
      const declared = Object.fromEntries(
        DEMO_FLEET.environments.map(e => [
          e.name,
          e.declared.reservedConcurrency,
        ]),
      );
      const shown = result.services.flatMap(service =>
        service.environments.flatMap(e =>
          e.functions.map(fn => [
            fn.functionName,
            fn.configuration.reservedConcurrency,
          ]),
        ),
      );
      expect(shown).toHaveLength(15);
      for (const [functionName, reserved] of shown) {
        const env = /-(dev|staging|prod)(uction)?$/.exec(String(functionName))!;
        expect([functionName, reserved]).toEqual([
          functionName,
          declared[env[1]],
        ]);
      }
    });

    it("finds that only checkout-api's prod stack defines the live alias", () => {
      const owning = result.services.flatMap(service =>
        service.environments.flatMap(e =>
          e.functions.flatMap(fn =>
            fn.stack?.ownsLiveAlias ? [fn.functionName] : [],
          ),
        ),
      );
      expect(owning).toEqual(['shop-checkout-api-prod']);
      const unknown = result.services.flatMap(service =>
        service.environments.flatMap(e =>
          e.functions.filter(fn => fn.stack?.ownsLiveAlias === undefined),
        ),
      );
      expect(unknown).toEqual([]);
    });

    describe.each(databases.eachSupportedId())('saved on %p', databaseId => {
      let store: DatabaseMatrixStore;

      beforeAll(async () => {
        const knex = await databases.init(databaseId);
        await migrateDatabase({ getClient: async () => knex });
        store = new DatabaseMatrixStore(knex, DEMO_ENVIRONMENTS);
        await store.saveRefresh(result, DEMO_SERVICES, { replaceFleet: true });
      });

      const comparisons = async (component: string) => {
        const matrix = await store.getMatrix(ref(component));
        return Object.fromEntries(
          matrix.environments.map(e => [e.environment, e.comparison]),
        ) as Record<string, EnvironmentComparison>;
      };

      it('offers checkout-api v1.4.0 from staging to prod, and v1.5.0 from dev to staging', async () => {
        const { staging, prod } = await comparisons('checkout-api');

        expect(prod).toEqual({
          previousEnvironment: 'staging',
          sameDigestAsPrevious: false,
          promotionPending: true,
          unpromotedArtifact: false,
        });
        expect(staging).toEqual({
          previousEnvironment: 'dev',
          sameDigestAsPrevious: false,
          promotionPending: true,
          unpromotedArtifact: false,
        });
      });

      it('flags the payments-api hotfix in prod as unpromoted, and does not offer staging v3.0.0 over it', async () => {
        const { staging, prod } = await comparisons('payments-api');

        expect(prod).toEqual({
          previousEnvironment: 'staging',
          sameDigestAsPrevious: false,
          promotionPending: false,
          unpromotedArtifact: true,
        });
        expect(staging).toMatchObject({
          sameDigestAsPrevious: true,
          unpromotedArtifact: false,
        });
      });

      it('shows inventory-service the same everywhere, with nothing to do', async () => {
        const { staging, prod } = await comparisons('inventory-service');

        for (const comparison of [staging, prod]) {
          expect(comparison).toMatchObject({
            sameDigestAsPrevious: true,
            promotionPending: false,
            unpromotedArtifact: false,
          });
        }
      });

      it("keeps prod's history of checkout-api from the first refresh, in the order it was deployed", async () => {
        const history = await store.getHistory(ref('checkout-api'), 'prod');

        expect(history.map(e => [e.version, e.digest])).toEqual([
          ['2', digestOf('checkout-api', 'v1.3.2')],
          ['1', digestOf('checkout-api', 'v1.3.1')],
        ]);
        expect(Date.parse(history[1].firstSeenAt)).toBeLessThan(
          Date.parse(history[0].firstSeenAt),
        );
      });

      it('lists the fleet by what needs doing', async () => {
        const refs = async (
          status: 'needs-promotion' | 'unpromoted-artifact',
        ) => (await store.listFleet({ status })).items.map(i => i.entityRef);

        expect(await refs('needs-promotion')).toEqual([ref('checkout-api')]);
        expect(await refs('unpromoted-artifact')).toEqual([
          ref('payments-api'),
        ]);
      });
    });
  },
);
