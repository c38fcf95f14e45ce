import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { PROJECT_ANNOTATION } from '@internal/backstage-plugin-environments-common';
import { Emulator, seedDemoFleet } from '@internal/demo-fleet';
import { Knex } from 'knex';
import {
  ACCOUNTS,
  collectorFor,
  describeWithMoto,
  digestOf,
  REGION,
  startAwsEmulator,
} from '../__testUtils__/emulator';
import { Promotions } from '../promotion';
import { buildPromotions } from '../promotion/__testUtils__/buildPromotions';
import { promotionConfigOnEmulator } from '../promotion/__testUtils__/emulatorEngine';
import { demoEntities } from '../promotion/__testUtils__/fakeLambda';
import {
  actor,
  migratedSqlite,
  permissionsExcept,
  recordingAuditor,
} from '../promotion/__testUtils__/harness';

const inventoryService: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'inventory-service',
    namespace: 'default',
    annotations: { [PROJECT_ANNOTATION]: 'shop' },
  },
  spec: { type: 'service', owner: 'team-platform', lifecycle: 'production' },
};

describeWithMoto(
  'rollback plans against the AWS emulator with the demo fleet',
  () => {
    jest.setTimeout(180_000);
    let emulator: Emulator;
    let knex: Knex;
    let promotions: Promotions;

    beforeAll(async () => {
      emulator = await startAwsEmulator();
      await seedDemoFleet({ endpoint: emulator.endpoint });
      const config = promotionConfigOnEmulator(emulator.endpoint);
      knex = await migratedSqlite();
      promotions = buildPromotions({
        config,
        logger: mockServices.logger.mock(),
        knex,
        auth: mockServices.auth(),
        permissions: permissionsExcept(),
        catalog: catalogServiceMock({
          entities: [...demoEntities(), inventoryService],
        }),
        auditor: recordingAuditor(),
        collector: collectorFor(config).collector,
        leaseMs: 60_000,
        sourceCacheTtlMs: 0,
      });
    });

    afterAll(async () => {
      promotions?.stop();
      await knex?.destroy();
      await emulator?.stop();
    });

    const dryRun = (component: string) =>
      promotions.rollbacks.rollback(
        {
          entityRef: `component:default/${component}`,
          environment: 'prod',
          dryRun: true,
        },
        actor('alice'),
      );

    it('warns that checkout-api’s prod stack defines the live alias, read from the stack’s template', async () => {
      const plan = await dryRun('checkout-api');
      expect(plan).toMatchObject({
        status: 'planned',
        aliasStackName: 'shop-checkout-api-prod',
      });
      expect(plan.warnings).toEqual([
        expect.stringMatching(
          /^CloudFormation stack shop-checkout-api-prod owns the live alias of shop-checkout-api-prod: this rollback creates drift/,
        ),
      ]);
    });

    it('does not warn for inventory-service, whose prod stack holds the function but not its alias', async () => {
      const plan = await dryRun('inventory-service');
      expect(plan.status).toBe('planned');
      expect(plan.aliasStackName).toBeUndefined();
      expect(plan.warnings).toEqual([]);
    });

    it('names the image of the version it goes back to, pinned by that version’s digest', async () => {
      const plan = await dryRun('checkout-api');
      const previous = digestOf('checkout-api', 'v1.3.1');
      expect(plan).toMatchObject({ toVersion: '1', toDigest: previous });
      // The emulator reports $LATEST's image (v1.3.2) for every version.
      expect(plan.toImageUri).toBe(
        `${ACCOUNTS.prod}.dkr.ecr.${REGION}.amazonaws.com/checkout-api@${previous}`,
      );
    });
  },
);
