import { TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  EnvironmentComparison,
  EnvironmentDefinition,
} from '@internal/backstage-plugin-environments-common';
import {
  findMotoServer,
  loadDemoFleet,
  releaseImage,
  seedDemoFleet,
  startEmulator,
} from '@internal/demo-fleet';
import { AwsClientFactory } from '../aws/AwsClientFactory';
import { DatabaseMatrixStore } from '../database/DatabaseMatrixStore';
import { AwsEnvironmentCollector } from './AwsEnvironmentCollector';
import { RefreshResult, ServiceDescriptor } from './types';

function motoAvailable(): boolean {
  try {
    findMotoServer();
    return true;
  } catch (error) {
    if (process.env.MOTO_SERVER_BIN) {
      throw error;
    }
    return false;
  }
}
// scripts/test.sh (and so CI) always provides moto; a bare `package test` without .venv skips this suite.
const describeWithMoto = motoAvailable() ? describe : describe.skip;

const fleet = loadDemoFleet();
const ENVIRONMENTS: EnvironmentDefinition[] = fleet.environments.map(env => ({
  name: env.name,
  title: env.name,
  shortName: env.shortName,
  longName: env.longName,
  locations: [{ accountId: env.accountId, region: fleet.region }],
}));
const SERVICES: ServiceDescriptor[] = fleet.services.map(s => ({
  entityRef: `component:default/${s.component}`,
  project: fleet.project,
  component: s.component,
  explicitFunctionNames: {},
  owner: `group:default/${s.owner}`,
  system: `system:default/${fleet.project}`,
}));
const ref = (component: string) => `component:default/${component}`;
const digestOf = (component: string, release: string) =>
  releaseImage(component, release).digest;

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
    const previousStsEndpoint = process.env.AWS_ENDPOINT_URL_STS;

    beforeAll(async () => {
      const emulator = await startEmulator();
      try {
        await seedDemoFleet({ endpoint: emulator.endpoint });
        // The credentials manager assumes environments-reader in each account through the emulator's STS.
        process.env.AWS_ENDPOINT_URL_STS = emulator.endpoint;
        const config = new ConfigReader({
          aws: {
            mainAccount: { accessKeyId: 'test', secretAccessKey: 'test' },
            accountDefaults: { roleName: 'environments-reader' },
          },
          environments: {
            accounts: fleet.environments.map(env => ({
              accountId: env.accountId,
              endpoint: emulator.endpoint,
            })),
          },
        });
        const aws = AwsClientFactory.fromConfig(config);
        result = await AwsEnvironmentCollector.fromConfig(config, {
          readers: aws,
        }).collect({ environments: ENVIRONMENTS, services: SERVICES });
        calls = aws.callCounter.callsByOperation();
      } finally {
        if (previousStsEndpoint === undefined) {
          delete process.env.AWS_ENDPOINT_URL_STS;
        } else {
          process.env.AWS_ENDPOINT_URL_STS = previousStsEndpoint;
        }
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
        'cloudformation:DescribeStacks': 3,
        // moto does not tag functions with their stack: one call per stack.
        'cloudformation:ListStackResources': 15,
      });
    });

    describe.each(databases.eachSupportedId())('saved on %p', databaseId => {
      let store: DatabaseMatrixStore;

      beforeAll(async () => {
        const knex = await databases.init(databaseId);
        store = await DatabaseMatrixStore.create({
          database: { getClient: async () => knex },
          environments: ENVIRONMENTS,
        });
        await store.saveRefresh(result, SERVICES, { replaceFleet: true });
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
