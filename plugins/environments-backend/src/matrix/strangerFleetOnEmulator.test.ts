import { CreateStackCommand } from '@aws-sdk/client-cloudformation';
import {
  CreateAliasCommand,
  PublishVersionCommand,
  TagResourceCommand,
} from '@aws-sdk/client-lambda';
import { Emulator } from '@internal/demo-fleet';
import request from 'supertest';
import {
  awsClientsIn,
  describeWithMoto,
  serviceStack,
  startAwsEmulator,
} from '../__testUtils__/emulator';
import { component, startRefreshedPlugin } from '../__testUtils__/testBackend';

// A fleet nobody here built: its own accounts and regions, its own convention, prod spelt
// `production` in tags.
const DEV = '444444444444';
const STAGING = '555555555555';
const PROD = '666666666666';
const US = 'us-east-1';
const EU = 'eu-central-1';
const CONVENTION = '{project}-{env}-{component}-{purpose}';

function strangerConfig(endpoint: string) {
  return {
    aws: {
      mainAccount: { accessKeyId: 'test', secretAccessKey: 'test' },
      accountDefaults: { roleName: 'environments-reader' },
    },
    environments: {
      definitions: [
        {
          name: 'dev',
          title: 'Development',
          longName: 'development',
          locations: [{ accountId: DEV, region: US }],
        },
        {
          name: 'staging',
          title: 'Staging',
          locations: [{ accountId: STAGING, region: US }],
        },
        {
          name: 'prod',
          title: 'Production',
          longName: 'production',
          locations: [
            { accountId: PROD, region: US },
            { accountId: PROD, region: EU },
          ],
        },
      ],
      accounts: [DEV, STAGING, PROD].map(accountId => ({
        accountId,
        endpoint,
      })),
      compliance: {
        naming: { conventions: { lambdaFunction: CONVENTION } },
        cloudFormationDrift: { stacksPerRun: 0 },
      },
    },
  };
}

const billing = (name: string, annotations: Record<string, string> = {}) =>
  component(name, {
    owner: 'team-billing',
    annotations: { 'environments.io/project': 'billing', ...annotations },
  });

const ENTITIES = [
  billing('api'),
  billing('ledger', {
    // Named against the convention on purpose: found, and still judged by the convention.
    'environments.io/function.prod': 'ledger-legacy',
    // A typo: the staging function it names is not looked for.
    'environments.io/fuction.staging': 'ledger-staging',
  }),
  // A typo in the annotation that makes a service part of the fleet.
  component('invoices', {
    annotations: { 'environments.io/projcet': 'billing' },
  }),
];

/**
 * The plugin on a second fleet in the emulator, with the naming convention
 * `{project}-{env}-{component}-{purpose}`: functions are found by that convention (with or without a
 * live alias), by their tags whatever their name, or by annotation, and every name is judged by it.
 */
describeWithMoto(
  'a fleet with another convention, accounts and regions (moto)',
  () => {
    jest.setTimeout(240_000);
    let emulator: Emulator;
    let server: Parameters<typeof request>[0];
    let stopBackend: () => Promise<void>;

    /** A zip function in its own stack, with published versions, a live alias and tags as asked. */
    async function deploy(
      accountId: string,
      region: string,
      functionName: string,
      options: { live?: boolean; tags?: Record<string, string> } = {},
    ) {
      const { lambda, cloudFormation } = await awsClientsIn(
        emulator.endpoint,
        accountId,
        region,
      );
      await cloudFormation.send(
        new CreateStackCommand({
          StackName: `stack-${functionName}`,
          TemplateBody: serviceStack(functionName, {
            memorySize: 256,
            timeout: 30,
            variables: {},
          }),
        }),
      );
      await lambda.send(
        new PublishVersionCommand({ FunctionName: functionName }),
      );
      if (options.live) {
        await lambda.send(
          new CreateAliasCommand({
            FunctionName: functionName,
            Name: 'live',
            FunctionVersion: '1',
          }),
        );
      }
      if (options.tags) {
        await lambda.send(
          new TagResourceCommand({
            Resource: `arn:aws:lambda:${region}:${accountId}:function:${functionName}`,
            Tags: options.tags,
          }),
        );
      }
    }

    const tags = (name: string, environment: string) => ({
      Project: 'billing',
      Component: name,
      Environment: environment,
    });

    const get = async (path: string) =>
      request(server).get(
        `/api/environments/services/default/component/${path}`,
      );
    const matrixOf = async (name: string) => {
      const res = await get(`${name}/matrix`);
      expect(res.status).toBe(200);
      return res.body;
    };
    const stateOf = (matrix: any, environment: string) =>
      matrix.environments.find((e: any) => e.environment === environment);
    const namingFindings = async (name: string) => {
      const res = await get(`${name}/findings`);
      expect(res.status).toBe(200);
      return res.body.items
        .filter((f: any) => f.kind === 'naming')
        .map((f: any) => [f.environment, f.rule, f.actual, f.expected]);
    };

    beforeAll(async () => {
      emulator = await startAwsEmulator();
      await deploy(DEV, US, 'billing-dev-api-handler', {
        live: true,
        tags: tags('api', 'dev'),
      });
      // Named by the convention, untagged, and not given a live alias yet.
      await deploy(STAGING, US, 'billing-staging-api-handler');
      // Named anything else, in prod's second region: only its tags tie it to the service.
      await deploy(PROD, EU, 'billingApiProd', {
        live: true,
        tags: tags('api', 'production'),
      });
      await deploy(PROD, US, 'ledger-legacy', { live: true });
      await deploy(STAGING, US, 'ledger-staging', { live: true });
      // Another team's function in the same account.
      await deploy(PROD, US, 'crm-prod-sync-worker', {
        live: true,
        tags: { Project: 'crm', Component: 'sync', Environment: 'production' },
      });

      ({ server, stop: stopBackend } = await startRefreshedPlugin({
        config: strangerConfig(emulator.endpoint),
        entities: ENTITIES,
      }));
    });

    afterAll(async () => {
      await stopBackend?.();
      await emulator?.stop();
    });

    it('finds a function named by the convention, with its purpose, and judges it well named', async () => {
      const dev = stateOf(await matrixOf('api'), 'dev');

      expect(dev.status).toBe('ok');
      expect(dev.functions).toEqual([
        expect.objectContaining({
          accountId: DEV,
          region: US,
          functionName: 'billing-dev-api-handler',
          discoveredBy: 'convention',
          expectedName: 'billing-dev-api-handler',
          liveAlias: { version: '1' },
        }),
      ]);
    });

    it('shows a convention-named function without a live alias as found, with no live alias', async () => {
      const staging = stateOf(await matrixOf('api'), 'staging');

      expect(staging.status).toBe('ok');
      expect(staging.searched).toBeUndefined();
      expect(staging.functions).toEqual([
        expect.objectContaining({
          functionName: 'billing-staging-api-handler',
          discoveredBy: 'convention',
          liveAlias: null,
        }),
      ]);
    });

    it('finds billingApiProd by its tags alone, in the second region, and names the name it should have', async () => {
      const prod = stateOf(await matrixOf('api'), 'prod');

      expect(prod.functions).toEqual([
        expect.objectContaining({
          accountId: PROD,
          region: EU,
          functionName: 'billingApiProd',
          discoveredBy: 'tags',
          expectedName: 'billing-prod-api-{purpose}',
          primary: true,
        }),
      ]);
      // The same judgement as /findings: only billingApiProd breaks the convention.
      expect(await namingFindings('api')).toEqual([
        [
          'prod',
          'naming.pattern',
          'billingApiProd',
          'billing-prod-api-{purpose}',
        ],
      ]);
    });

    it('judges a function named by annotation against the convention too (a finding, not a refusal)', async () => {
      const prod = stateOf(await matrixOf('ledger'), 'prod');

      expect(prod.functions).toEqual([
        expect.objectContaining({
          functionName: 'ledger-legacy',
          discoveredBy: 'explicit',
          expectedName: 'billing-prod-ledger-{purpose}',
        }),
      ]);
      expect(await namingFindings('ledger')).toEqual([
        [
          'prod',
          'naming.pattern',
          'ledger-legacy',
          'billing-prod-ledger-{purpose}',
        ],
      ]);
    });

    it('says where it looked in an environment where nothing was found', async () => {
      const dev = stateOf(await matrixOf('ledger'), 'dev');

      expect(dev.status).toBe('missing');
      expect(dev.searched).toEqual({
        names: [
          {
            name: 'billing-dev-ledger-{purpose}',
            source: 'convention',
            convention: CONVENTION,
            setBy: 'environments.compliance.naming.conventions.lambdaFunction',
          },
        ],
        tags: [
          { key: 'Project', values: ['billing'] },
          { key: 'Component', values: ['ledger'] },
          { key: 'Environment', values: ['dev', 'development'] },
        ],
        locations: [{ accountId: DEV, region: US }],
      });
      expect(
        stateOf(await matrixOf('ledger'), 'prod').searched,
      ).toBeUndefined();
    });

    it('names the annotation a misspelt key is likely meant as', async () => {
      const matrix = await matrixOf('ledger');

      expect(stateOf(matrix, 'staging').status).toBe('missing');
      expect(matrix.unknownAnnotations).toEqual([
        {
          annotation: 'environments.io/fuction.staging',
          likelyMeant: 'environments.io/function.staging',
          message:
            'The annotation environments.io/fuction.staging is not one the Environments plugins read: did you mean environments.io/function.staging?',
        },
      ]);

      const invoices = await get('invoices/matrix');
      expect(invoices.status).toBe(404);
      expect(invoices.body.error.message).toContain(
        'it has environments.io/projcet, which is likely meant as environments.io/project',
      );
    });
  },
);
