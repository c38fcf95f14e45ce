import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetAliasCommand, GetFunctionCommand } from '@aws-sdk/client-lambda';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { JsonObject } from '@backstage/types';
import {
  Emulator,
  PLATFORM_HELLO_IMAGE,
  seedDemoFleet,
} from '@internal/demo-fleet';
import { Knex } from 'knex';
import {
  ACCOUNTS,
  awsClientsIn,
  collectOnce,
  DEMO_ENVIRONMENTS,
  describeWithMoto,
  emulatorConfig,
  startAwsEmulator,
} from '../__testUtils__/emulator';
import { service } from '../matrix/__testUtils__/demoFleet';
import { readComplianceConfig } from '../compliance/config';
import { AwsClientFactory } from '../aws/AwsClientFactory';
import { AuthorizedProvisioningService } from '../authorization/AuthorizedProvisioningService';
import { ActionAuthorizer } from '../authorization/permissions';
import { demoEntities } from '../promotion/__testUtils__/fakeLambda';
import {
  actor,
  migratedSqlite,
  permissionsExcept,
} from '../promotion/__testUtils__/harness';
import { readProvisioningConfig } from './config';
import { ProvisioningService } from './ProvisioningService';
import { ProvisionStore } from './ProvisionStore';

const REQUEST = {
  project: 'shop',
  component: 'cart-api',
  owner: 'team-checkout',
  system: 'shop',
  costCenter: 'cc-100',
};

const group = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [] },
});
const system: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: { name: 'shop', namespace: 'default' },
  spec: { owner: 'team-platform' },
};

describeWithMoto(
  "creating a service's environments on the AWS emulator",
  () => {
    jest.setTimeout(180_000);
    let emulator: Emulator;
    let config: ConfigReader;
    let knex: Knex;
    const permissions = permissionsExcept({
      'environments.service.provision': ['user:default/mallory'],
    });

    beforeAll(async () => {
      emulator = await startAwsEmulator();
      await seedDemoFleet({ endpoint: emulator.endpoint });
      config = emulatorConfig(emulator.endpoint, {
        account: { writeRoleName: 'environments-promoter' },
        environments: {
          definitions: DEMO_ENVIRONMENTS.map(env => ({
            ...env,
            locations: env.locations.map(location => ({ ...location })),
            declared:
              env.name === 'prod'
                ? { memory: 1024, timeout: 300, reservedConcurrency: 50 }
                : { memory: 512, timeout: 120, reservedConcurrency: 5 },
          })),
          compliance: {
            naming: {
              conventions: { lambdaFunction: '{project}-{component}-{env}' },
            },
            tags: {
              required: [
                'Project',
                'Component',
                'Environment',
                'ManagedBy',
                'Owner',
                'CostCenter',
              ],
            },
          },
          provisioning: {
            deployTo: ['dev', 'staging', 'prod'],
            initialImage: {
              repository: PLATFORM_HELLO_IMAGE.repository,
              tag: PLATFORM_HELLO_IMAGE.release,
            },
          },
        } as JsonObject,
      });
      knex = await migratedSqlite();
    });
    afterAll(async () => {
      await knex?.destroy();
      await emulator?.stop();
    });

    /** The creation of services as the plugin builds it: the permission checked in the authorization layer. */
    function provisioning() {
      const environments = DEMO_ENVIRONMENTS;
      const auth = mockServices.auth();
      return new AuthorizedProvisioningService({
        authorizer: new ActionAuthorizer({ permissions, auth }),
        provisioning: new ProvisioningService({
          environments,
          compliance: readComplianceConfig(config, environments),
          config: readProvisioningConfig(config, environments),
          store: new ProvisionStore(knex),
          aws: AwsClientFactory.fromConfig(config, { sleep: async () => {} }),
          catalog: catalogServiceMock({
            entities: [
              ...demoEntities(),
              group('team-checkout'),
              group('team-platform'),
              system,
            ],
          }),
          auth,
          logger: mockServices.logger.mock(),
        }),
      });
    }

    async function stackStatus(env: string, stackName: string) {
      const { cloudFormation } = await awsClientsIn(
        emulator.endpoint,
        ACCOUNTS[env],
      );
      return cloudFormation
        .send(new DescribeStacksCommand({ StackName: stackName }))
        .then(r => r.Stacks?.[0]?.StackStatus)
        .catch(() => undefined);
    }

    it('a dry run returns the plan and changes nothing: no stack, no record', async () => {
      const plan = await provisioning().provision(
        { ...REQUEST, dryRun: true },
        actor('alice'),
      );
      expect(plan.status).toBe('planned');
      expect(plan.problems).toEqual([]);
      expect(
        plan.environments.map(e => [
          e.environment,
          e.stackName,
          e.accountId,
          e.status,
        ]),
      ).toEqual([
        ['dev', 'shop-cart-api-dev', ACCOUNTS.dev, 'planned'],
        ['staging', 'shop-cart-api-staging', ACCOUNTS.staging, 'planned'],
        ['prod', 'shop-cart-api-prod', ACCOUNTS.prod, 'planned'],
      ]);
      expect(plan.environments[2].parameters).toMatchObject({
        MemorySize: '1024',
        Timeout: '300',
        ReservedConcurrency: '50',
        TagEnvironment: 'prod',
        TagOwner: 'team-checkout',
        TagManagedBy: 'cloudformation',
      });
      expect(await stackStatus('dev', 'shop-cart-api-dev')).toBeUndefined();
      expect(await knex('service_provisions').count({ n: '*' })).toEqual([
        { n: 0 },
      ]);
    });

    it('refuses a name that breaks the convention, an existing service and an unknown team, saying which field', async () => {
      const plan = await provisioning().provision(
        {
          ...REQUEST,
          project: 'Shop_1',
          component: 'checkout-api',
          owner: 'team-nobody',
          dryRun: true,
        },
        actor('alice'),
      );
      expect(plan.problems).toEqual([
        {
          field: 'project',
          message: expect.stringContaining(
            "The project 'Shop_1' breaks the naming convention",
          ),
        },
        {
          field: 'component',
          message: expect.stringContaining(
            "A service named 'checkout-api' already exists in the catalog",
          ),
        },
        {
          field: 'owner',
          message:
            "The owner 'group:default/team-nobody' is not a team (Group) in the catalog",
        },
      ]);
      await expect(
        provisioning().provision(
          { ...REQUEST, owner: 'team-nobody' },
          actor('alice'),
        ),
      ).rejects.toThrow(
        "The owner 'group:default/team-nobody' is not a team (Group) in the catalog",
      );
    });

    it('answers empty fields with their problems, not a server error (found by the API fuzz)', async () => {
      const plan = await provisioning().provision(
        {
          project: '',
          component: '',
          owner: '',
          system: '',
          costCenter: '',
          dryRun: true,
        },
        actor('alice'),
      );
      expect(plan.problems.map(p => p.field)).toEqual([
        'project',
        'component',
        'costCenter',
        'owner',
      ]);
    });

    it('refuses a user without the permission, in a dry run too', async () => {
      for (const dryRun of [true, false]) {
        await expect(
          provisioning().provision({ ...REQUEST, dryRun }, actor('mallory')),
        ).rejects.toThrow(
          'user:default/mallory may not create services (permission environments.service.provision)',
        );
      }
    });

    it("deploys each environment's stack with the write role and points live at the initial image", async () => {
      const result = await provisioning().provision(REQUEST, actor('alice'));
      expect(result.status).toBe('succeeded');
      expect(
        result.environments.map(e => [e.environment, e.status, e.liveVersion]),
      ).toEqual([
        ['dev', 'created', '1'],
        ['staging', 'created', '1'],
        ['prod', 'created', '1'],
      ]);
      for (const env of ['dev', 'staging', 'prod']) {
        const functionName = `shop-cart-api-${env}`;
        expect(await stackStatus(env, functionName)).toBe('CREATE_COMPLETE');
        const { lambda } = await awsClientsIn(emulator.endpoint, ACCOUNTS[env]);
        const fn = await lambda.send(
          new GetFunctionCommand({ FunctionName: functionName }),
        );
        expect(fn.Configuration?.PackageType).toBe('Image');
        expect(`sha256:${fn.Configuration?.CodeSha256}`).toBe(
          PLATFORM_HELLO_IMAGE.digest,
        );
        expect(fn.Tags).toMatchObject({
          Project: 'shop',
          Component: 'cart-api',
          Environment: env,
          Owner: 'team-checkout',
          CostCenter: 'cc-100',
        });
        const alias = await lambda.send(
          new GetAliasCommand({ FunctionName: functionName, Name: 'live' }),
        );
        expect(alias.FunctionVersion).toBe('1');
      }
      const [row] = await knex('service_provisions');
      expect(row).toMatchObject({
        entity_ref: 'component:default/cart-api',
        status: 'succeeded',
        requested_by: 'user:default/alice',
      });

      // What the Environments tab then shows: the collector finds the new service in every environment.
      const { result: collected } = await collectOnce(emulator.endpoint, [
        service('cart-api', 'team-checkout'),
      ]);
      const matrix = collected.services[0];
      expect(
        matrix.environments.map(e => [
          e.environment,
          e.functions[0]?.digest,
          e.functions[0]?.liveAlias?.version,
        ]),
      ).toEqual([
        ['dev', PLATFORM_HELLO_IMAGE.digest, '1'],
        ['staging', PLATFORM_HELLO_IMAGE.digest, '1'],
        ['prod', PLATFORM_HELLO_IMAGE.digest, '1'],
      ]);
    });

    it('a second run of the same service returns what was created, and creates nothing more', async () => {
      const again = await provisioning().provision(REQUEST, actor('alice'));
      expect(again.status).toBe('succeeded');
      expect(await knex('service_provisions').count({ n: '*' })).toEqual([
        { n: 1 },
      ]);
    });

    it('refuses names that AWS already holds', async () => {
      const plan = await provisioning().provision(
        { ...REQUEST, component: 'inventory-service', dryRun: true },
        actor('alice'),
      );
      expect(plan.problems.map(p => p.message)).toContain(
        `A stack named shop-inventory-service-dev already exists in dev (account ${ACCOUNTS.dev}, eu-west-1): choose another name`,
      );
    });
  },
);
