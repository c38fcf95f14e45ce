import { createHash } from 'crypto';
import {
  GetFunctionCommand,
  ListFunctionsCommand,
} from '@aws-sdk/client-lambda';
import {
  GetTemplateCommand,
  ListStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import { ConfigReader } from '@backstage/config';
import { EnvironmentDefinition } from '@internal/backstage-plugin-environments-common';
import { parseNamingConvention } from '@internal/backstage-plugin-environments-node';
import { AwsClientFactory } from '../../aws/AwsClientFactory';
import {
  accountOf,
  FAST_RETRY,
  fakeCredentialsManager,
  lambdaThrottled,
  stubHttpHandler,
} from '../../aws/__testUtils__/fakes';
import {
  FakeFunction,
  FakeStack,
  mockFleet,
} from '../../aws/__testUtils__/mockFleet';
import { AwsEnvironmentCollector } from './AwsEnvironmentCollector';
import { FunctionDiscovery } from './FunctionDiscovery';
import { ServiceDescriptor } from './types';

const DEV = '111111111111';
const STAGING = '222222222222';
const PROD = '333333333333';
const REGION = 'eu-west-1';

const ENVIRONMENTS: EnvironmentDefinition[] = [
  {
    name: 'dev',
    title: 'Development',
    shortName: 'dev',
    longName: 'development',
    locations: [{ accountId: DEV, region: REGION }],
  },
  {
    name: 'staging',
    title: 'Staging',
    shortName: 'staging',
    longName: 'staging',
    locations: [{ accountId: STAGING, region: REGION }],
  },
  {
    name: 'prod',
    title: 'Production',
    shortName: 'prod',
    longName: 'production',
    locations: [{ accountId: PROD, region: REGION }],
  },
];
const ACCOUNT_OF: Record<string, string> = {
  dev: DEV,
  staging: STAGING,
  prod: PROD,
};

function service(
  component: string,
  explicitFunctionNames: Record<string, string> = {},
): ServiceDescriptor {
  return {
    entityRef: `component:default/${component}`,
    project: 'shop',
    component,
    explicitFunctionNames,
  };
}

/** A distinct 64-hex-digit image digest per seed. */
const hex = (seed: string) => createHash('sha256').update(seed).digest('hex');

/** A convention-named function with a live alias, in its own stack, as the demo fleet has them. */
function conventionFunction(
  component: string,
  env: string,
  codeSeed: string,
  extra?: Partial<FakeFunction>,
): FakeFunction {
  const name = `shop-${component}-${env}`;
  return {
    accountId: ACCOUNT_OF[env],
    name,
    latestCodeSha256: hex(codeSeed),
    live: { version: '3', codeSha256: hex(codeSeed) },
    tags: { Project: 'shop', Component: component, Environment: env },
    stackName: name,
    ...extra,
  };
}

function stacksOf(functions: FakeFunction[]): FakeStack[] {
  return functions.flatMap(fn =>
    fn.stackName ? [{ accountId: fn.accountId, name: fn.stackName }] : [],
  );
}

function newCollector(
  extra?: Partial<ConstructorParameters<typeof AwsClientFactory>[0]>,
) {
  const aws = new AwsClientFactory({
    credentialsManager: fakeCredentialsManager(),
    rateLimits: {
      getFunctionPerSecond: 2000,
      lambdaControlPlanePerSecond: 2000,
      cloudFormationPerSecond: 2000,
      taggingPerSecond: 2000,
    },
    retry: FAST_RETRY,
    ...extra,
  });
  // The demo's convention, configured.
  const discovery = new FunctionDiscovery({
    lambdaConvention: parseNamingConvention('{project}-{component}-{env}'),
  });
  return {
    aws,
    collector: new AwsEnvironmentCollector({ readers: aws, discovery }),
  };
}

/** A published version of a fake function. */
interface FakeVersion {
  version: string;
  codeSha256: string;
  lastModified: string;
}

/**
 * Makes the mocked ListFunctions answer FunctionVersion=ALL as AWS does: each function's $LATEST
 * entry followed by its published versions, 50 entries a page. Without ALL it lists $LATEST only.
 */
function listPublishedVersions(
  fleet: ReturnType<typeof mockFleet>,
  functions: FakeFunction[],
  versionsFor: (fn: FakeFunction) => FakeVersion[],
) {
  fleet.lambda.on(ListFunctionsCommand).callsFake(async (input, getClient) => {
    const accountId = await accountOf(getClient());
    const arn = (name: string) =>
      `arn:aws:lambda:${REGION}:${accountId}:function:${name}`;
    const entries = functions
      .filter(fn => fn.accountId === accountId)
      .sort((a, b) => a.name.localeCompare(b.name))
      .flatMap(fn => [
        {
          FunctionName: fn.name,
          FunctionArn: arn(fn.name),
          PackageType: 'Image' as const,
          CodeSha256: fn.latestCodeSha256,
          Version: '$LATEST',
          LastModified: '2026-11-01T10:00:00.000+0000',
        },
        ...(input.FunctionVersion === 'ALL' ? versionsFor(fn) : []).map(v => ({
          FunctionName: fn.name,
          FunctionArn: `${arn(fn.name)}:${v.version}`,
          PackageType: 'Image' as const,
          CodeSha256: v.codeSha256,
          Version: v.version,
          LastModified: v.lastModified,
        })),
      ]);
    const start = input.Marker ? Number(input.Marker) : 0;
    const end = start + (input.MaxItems ?? 50);
    return {
      $metadata: {},
      Functions: entries.slice(start, end),
      NextMarker: end < entries.length ? String(end) : undefined,
    };
  });
}

/** `count` versions of a function, each a day apart from November 1st and with its own digest. */
function versionsOf(fn: FakeFunction, count: number): FakeVersion[] {
  return Array.from({ length: count }, (_, i) => ({
    version: String(i + 1),
    codeSha256: hex(`${fn.name} v${i + 1}`),
    lastModified: `2026-11-${String(i + 1).padStart(2, '0')}T10:00:00.000+0000`,
  }));
}

function environmentOf(
  result: Awaited<ReturnType<AwsEnvironmentCollector['collect']>>,
  entityRef: string,
  env: string,
) {
  const found = result.services
    .find(s => s.entityRef === entityRef)
    ?.environments.find(e => e.environment === env);
  if (!found) {
    throw new Error(`no ${env} for ${entityRef}`);
  }
  return found;
}

describe('AwsEnvironmentCollector', () => {
  let fleet: ReturnType<typeof mockFleet>;
  afterEach(() => fleet?.restore());

  describe('on the demo story', () => {
    const functions: FakeFunction[] = [
      conventionFunction('checkout-api', 'dev', 'd', {
        environment: { PAYMENT_KEY: 'sk_live_very_secret' },
      }),
      conventionFunction('checkout-api', 'staging', 's'),
      // Real AWS tags what CloudFormation creates with its stack: no ListStackResources needed for it.
      conventionFunction('checkout-api', 'prod', 'p', { stackTagged: true }),
      {
        accountId: PROD,
        name: 'shop-notifications-worker-production',
        latestCodeSha256: hex('n'),
        live: { version: '4', codeSha256: hex('n') },
        tags: {
          Project: 'shop',
          Component: 'notifications-worker',
          Environment: 'Production',
        },
        stackName: 'shop-notifications-worker-prod',
      },
      // Named explicitly by annotation, and a convention-named twin: the explicit one stands for the service.
      {
        accountId: PROD,
        name: 'legacy-billing',
        latestCodeSha256: hex('l'),
        live: { version: '9', codeSha256: hex('l') },
      },
      conventionFunction('billing', 'prod', 'b'),
      // Not yet aliased: reported from ListFunctions' $LATEST data.
      {
        accountId: DEV,
        name: 'shop-search-dev',
        latestCodeSha256: hex('0'),
        stackName: 'shop-search-dev',
      },
      // Tagged for a service but named without even the project token: found by the tag walk.
      {
        accountId: PROD,
        name: 'mailer-prod',
        latestCodeSha256: hex('m'),
        live: { version: '1', codeSha256: hex('m') },
        tags: { Project: 'shop', Component: 'mailer', Environment: 'prod' },
      },
      {
        accountId: PROD,
        name: 'crm-sync-prod',
        latestCodeSha256: hex('c'),
        live: { version: '1', codeSha256: hex('c') },
      },
    ];
    const services = [
      service('checkout-api'),
      service('notifications-worker'),
      service('billing', { prod: 'legacy-billing' }),
      service('search'),
      service('mailer'),
    ];

    beforeEach(() => {
      fleet = mockFleet({ functions, stacks: stacksOf(functions) });
    });

    it('shows what runs in each environment with its live digest and stack', async () => {
      const { collector } = newCollector();

      const result = await collector.collect({
        environments: ENVIRONMENTS,
        services,
      });

      expect(result.failedLocations).toEqual([]);
      const prod = environmentOf(
        result,
        'component:default/checkout-api',
        'prod',
      );
      expect(prod.complete).toBe(true);
      expect(prod.functions).toEqual([
        expect.objectContaining({
          accountId: PROD,
          region: REGION,
          functionName: 'shop-checkout-api-prod',
          functionArn: `arn:aws:lambda:${REGION}:${PROD}:function:shop-checkout-api-prod`,
          discoveredBy: 'convention',
          expectedName: 'shop-checkout-api-prod',
          primary: true,
          liveAlias: { version: '3' },
          digest: `sha256:${hex('p')}`,
          digestKind: 'image',
          stack: {
            stackName: 'shop-checkout-api-prod',
            stackId: expect.stringContaining(':stack/shop-checkout-api-prod/'),
            status: 'UPDATE_COMPLETE',
            ownsLiveAlias: false,
          },
        }),
      ]);
      expect(
        environmentOf(result, 'component:default/checkout-api', 'staging')
          .functions[0],
      ).toMatchObject({
        digest: `sha256:${hex('s')}`,
        stack: { stackName: 'shop-checkout-api-staging' },
      });
    });

    it('finds a function that breaks the convention by its tags, whatever its name, and names the expected name', async () => {
      const { collector } = newCollector();

      const result = await collector.collect({
        environments: ENVIRONMENTS,
        services,
      });

      const prod = environmentOf(
        result,
        'component:default/notifications-worker',
        'prod',
      );
      expect(prod.functions).toEqual([
        expect.objectContaining({
          functionName: 'shop-notifications-worker-production',
          discoveredBy: 'tags',
          expectedName: 'shop-notifications-worker-prod',
          primary: true,
          stack: expect.objectContaining({
            stackName: 'shop-notifications-worker-prod',
          }),
        }),
      ]);
      expect(
        environmentOf(
          result,
          'component:default/notifications-worker',
          'staging',
        ).functions,
      ).toEqual([]);
      expect(
        environmentOf(result, 'component:default/mailer', 'prod').functions,
      ).toEqual([
        expect.objectContaining({
          functionName: 'mailer-prod',
          discoveredBy: 'tags',
          expectedName: 'shop-mailer-prod',
        }),
      ]);
    });

    it('prefers the explicitly named function as primary over the convention name', async () => {
      const { collector } = newCollector();

      const result = await collector.collect({
        environments: ENVIRONMENTS,
        services,
      });

      const prod = environmentOf(result, 'component:default/billing', 'prod');
      expect(
        prod.functions.map(fn => [
          fn.functionName,
          fn.discoveredBy,
          fn.primary,
        ]),
      ).toEqual([
        ['legacy-billing', 'explicit', true],
        ['shop-billing-prod', 'convention', false],
      ]);
      // Named by annotation, still judged by the convention.
      expect(prod.functions[0].expectedName).toBe('shop-billing-prod');
    });

    it('reports a function without a live alias from its $LATEST data, with no extra call', async () => {
      const { collector } = newCollector();

      const result = await collector.collect({
        environments: ENVIRONMENTS,
        services,
      });

      expect(
        environmentOf(result, 'component:default/search', 'dev').functions,
      ).toEqual([
        expect.objectContaining({
          functionName: 'shop-search-dev',
          liveAlias: null,
          digest: `sha256:${hex('0')}`,
          primary: true,
          stack: expect.objectContaining({ stackName: 'shop-search-dev' }),
        }),
      ]);
      const getCalls = fleet.lambda
        .commandCalls(GetFunctionCommand)
        .filter(c => c.args[0].input.FunctionName === 'shop-search-dev');
      expect(getCalls).toHaveLength(1);
    });

    it("reads only the functions found by name or by the tag walk, never another team's", async () => {
      const { collector } = newCollector();

      await collector.collect({ environments: ENVIRONMENTS, services });

      const read = fleet.lambda
        .commandCalls(GetFunctionCommand)
        .map(c => c.args[0].input.FunctionName)
        .sort();
      expect(read).toEqual([
        'legacy-billing',
        'mailer-prod',
        'shop-billing-prod',
        'shop-checkout-api-dev',
        'shop-checkout-api-prod',
        'shop-checkout-api-staging',
        'shop-notifications-worker-production',
        'shop-search-dev',
      ]);
      expect(
        fleet.lambda
          .commandCalls(GetFunctionCommand)
          .every(c => c.args[0].input.Qualifier === 'live'),
      ).toBe(true);
    });

    it('never returns environment variable values', async () => {
      const { collector } = newCollector();

      const result = await collector.collect({
        environments: ENVIRONMENTS,
        services,
      });

      const dev = environmentOf(
        result,
        'component:default/checkout-api',
        'dev',
      );
      expect(dev.functions[0].configuration.environmentVariableNames).toEqual([
        'PAYMENT_KEY',
      ]);
      expect(JSON.stringify(result)).not.toContain('sk_live_very_secret');
    });

    it('gives each environment the published versions of its primary function, from the list pages', async () => {
      listPublishedVersions(fleet, functions, fn => {
        switch (fn.name) {
          case 'shop-checkout-api-prod':
            return versionsOf(fn, 3);
          case 'legacy-billing':
            return versionsOf(fn, 1);
          case 'shop-billing-prod':
            return versionsOf(fn, 2);
          default:
            return [];
        }
      });
      const { aws, collector } = newCollector();

      const result = await collector.collect({
        environments: ENVIRONMENTS,
        services,
      });

      const checkoutProd = environmentOf(
        result,
        'component:default/checkout-api',
        'prod',
      );
      expect(checkoutProd.versions).toEqual([
        {
          version: '1',
          digest: `sha256:${hex('shop-checkout-api-prod v1')}`,
          digestKind: 'image',
          publishedAt: '2026-11-01T10:00:00.000Z',
        },
        expect.objectContaining({
          version: '2',
          digest: `sha256:${hex('shop-checkout-api-prod v2')}`,
          publishedAt: '2026-11-02T10:00:00.000Z',
        }),
        expect.objectContaining({ version: '3' }),
      ]);
      // The explicitly named function stands for billing in prod: its history, not its twin's.
      expect(
        environmentOf(result, 'component:default/billing', 'prod').versions,
      ).toEqual([
        expect.objectContaining({
          digest: `sha256:${hex('legacy-billing v1')}`,
        }),
      ]);
      expect(
        environmentOf(result, 'component:default/checkout-api', 'staging')
          .versions,
      ).toEqual([]);
      expect(
        environmentOf(result, 'component:default/notifications-worker', 'dev')
          .versions,
      ).toEqual([]);
      // Versions are not part of the function's description (the matrix shows what is live).
      expect(checkoutProd.functions[0]).not.toHaveProperty('versions');
      expect(aws.callCounter.callsByOperation()['lambda:ListFunctions']).toBe(
        3,
      );
    });

    it('stops and rejects when aborted', async () => {
      const controller = new AbortController();
      fleet.lambda.on(ListFunctionsCommand).callsFake(async () => {
        controller.abort();
        return { $metadata: {}, Functions: [] };
      });
      const { collector } = newCollector();

      await expect(
        collector.collect({
          environments: ENVIRONMENTS,
          services,
          signal: controller.signal,
        }),
      ).rejects.toThrow(/abort/i);
      expect(fleet.lambda.commandCalls(GetFunctionCommand)).toHaveLength(0);
    });
  });

  it('discovers by the tag keys configured in environments.discovery', async () => {
    fleet = mockFleet({
      functions: [
        {
          accountId: PROD,
          name: 'shop-mailer-production',
          latestCodeSha256: hex('m'),
          live: { version: '1', codeSha256: hex('m') },
          tags: {
            app: 'shop',
            svc: 'notifications-worker',
            stage: 'production',
          },
        },
      ],
    });
    const { aws } = newCollector();
    const collector = AwsEnvironmentCollector.fromConfig(
      new ConfigReader({
        environments: {
          discovery: {
            projectTag: 'app',
            componentTag: 'svc',
            environmentTag: 'stage',
          },
        },
      }),
      { readers: aws },
    );

    const result = await collector.collect({
      environments: ENVIRONMENTS,
      services: [service('notifications-worker')],
    });

    expect(
      environmentOf(result, 'component:default/notifications-worker', 'prod')
        .functions,
    ).toEqual([
      expect.objectContaining({
        functionName: 'shop-mailer-production',
        discoveredBy: 'tags',
      }),
    ]);
  });

  describe('call budget', () => {
    // 40 services in 3 environments (120 functions) and 15 functions of other teams.
    const components = Array.from(
      { length: 40 },
      (_, i) => `svc-${String(i).padStart(2, '0')}`,
    );
    const services = components.map(c => service(c));
    const fleetFunctions = (stackTagged: boolean): FakeFunction[] => [
      ...components.flatMap(c =>
        ['dev', 'staging', 'prod'].map(env =>
          conventionFunction(c, env, 'e', { stackTagged }),
        ),
      ),
      ...Array.from({ length: 15 }, (_, i) => ({
        accountId: [DEV, STAGING, PROD][i % 3],
        name: `other-team-fn-${i}`,
        latestCodeSha256: hex('f'),
        stackName: `other-team-stack-${i}`,
      })),
    ];

    function countCalls(aws: AwsClientFactory) {
      const calls = aws.callCounter.callsByOperation();
      return {
        listPages: calls['lambda:ListFunctions'] ?? 0,
        getFunction: calls['lambda:GetFunction'] ?? 0,
        describeStacksPages: calls['cloudformation:DescribeStacks'] ?? 0,
        taggingPages: calls['tag:GetResources'] ?? 0,
        listStackResources: calls['cloudformation:ListStackResources'] ?? 0,
        getTemplate: calls['cloudformation:GetTemplate'] ?? 0,
      };
    }

    it('makes at most 1.05 calls per function beyond list pages, and one per stack at most', async () => {
      const functions = fleetFunctions(false);
      const stacks = stacksOf(functions);
      fleet = mockFleet({ functions, stacks, stacksPerPage: 100 });
      const { aws, collector } = newCollector();

      const result = await collector.collect({
        environments: ENVIRONMENTS,
        services,
      });

      const found = result.services.flatMap(s =>
        s.environments.flatMap(e => e.functions),
      );
      expect(found).toHaveLength(120);
      const calls = countCalls(aws);
      // 45 functions per account: one ListFunctions page of 50 each.
      expect(calls.listPages).toBe(3);
      // 40 tagged functions per account: one tag walk of one page per account, for all 40 services.
      expect(calls.taggingPages).toBe(3);
      expect(calls.describeStacksPages).toBe(3);
      expect(calls.getFunction / found.length).toBeLessThanOrEqual(1.05);
      expect(calls.listStackResources).toBeLessThanOrEqual(stacks.length);
      // Stacks of other teams are not read.
      expect(
        fleet.cloudFormation
          .commandCalls(ListStackResourcesCommand)
          .some(c =>
            String(c.args[0].input.StackName).startsWith('other-team'),
          ),
      ).toBe(false);
      expect(found.every(fn => fn.stack)).toBe(true);
      // One template per stack of a found function; none of other teams.
      expect(calls.getTemplate).toBe(120);
    });

    it("reads each stack's template once, and again only for a stack that changed", async () => {
      const functions = fleetFunctions(true);
      functions[0].stackOwnsLiveAlias = true;
      const stacks = stacksOf(functions);
      fleet = mockFleet({ functions, stacks, stacksPerPage: 100 });
      const { aws, collector } = newCollector();
      const collect = () =>
        collector.collect({ environments: ENVIRONMENTS, services });

      const first = await collect();
      const owning = first.services.flatMap(s =>
        s.environments.flatMap(e =>
          e.functions.filter(fn => fn.stack?.ownsLiveAlias),
        ),
      );
      expect(owning.map(fn => fn.functionName)).toEqual([functions[0].name]);
      expect(
        first.services.every(s =>
          s.environments.every(e =>
            e.functions.every(fn => fn.stack?.ownsLiveAlias !== undefined),
          ),
        ),
      ).toBe(true);
      expect(countCalls(aws).getTemplate).toBe(120);

      await collect();
      expect(countCalls(aws).getTemplate).toBe(120);

      stacks[1].updatedAt = new Date('2026-11-02T10:00:00Z');
      await collect();
      expect(countCalls(aws).getTemplate).toBe(121);
      expect(
        fleet.cloudFormation.commandCalls(GetTemplateCommand).at(-1)!.args[0]
          .input.StackName,
      ).toContain(`stack/${stacks[1].name}/`);
    });

    it('reads every published version in list pages only: no call per function or version', async () => {
      const functions = fleetFunctions(true);
      fleet = mockFleet({
        functions,
        stacks: stacksOf(functions),
        stacksPerPage: 100,
      });
      // 40 functions with 4 versions and 5 of other teams per account: 205 entries, 5 pages of 50.
      listPublishedVersions(fleet, functions, fn =>
        fn.name.startsWith('svc-') || fn.name.startsWith('shop-svc-')
          ? versionsOf(fn, 4)
          : [],
      );
      const { aws, collector } = newCollector();

      const result = await collector.collect({
        environments: ENVIRONMENTS,
        services,
      });

      const environments = result.services.flatMap(s => s.environments);
      expect(environments).toHaveLength(120);
      expect(environments.every(e => e.versions?.length === 4)).toBe(true);
      const calls = countCalls(aws);
      expect(calls.listPages).toBe(15);
      expect(calls.getFunction).toBe(120);
      expect(calls.listStackResources).toBe(0);
    });

    it('needs no ListStackResources when functions carry CloudFormation stack tags (real AWS)', async () => {
      const functions = fleetFunctions(true);
      fleet = mockFleet({
        functions,
        stacks: stacksOf(functions),
        stacksPerPage: 100,
      });
      const { aws, collector } = newCollector();

      const result = await collector.collect({
        environments: ENVIRONMENTS,
        services,
      });

      const found = result.services.flatMap(s =>
        s.environments.flatMap(e => e.functions),
      );
      expect(found.every(fn => fn.stack?.stackName === fn.functionName)).toBe(
        true,
      );
      expect(countCalls(aws).listStackResources).toBe(0);
      expect(countCalls(aws).getFunction).toBe(120);
    });
  });

  describe('partial failure', () => {
    const functions = [
      conventionFunction('checkout-api', 'dev', 'd'),
      conventionFunction('checkout-api', 'staging', 's'),
      conventionFunction('checkout-api', 'prod', 'p'),
      conventionFunction('inventory-service', 'prod', 'i'),
    ];
    const services = [service('checkout-api'), service('inventory-service')];

    it('marks the environments of an account that fails incomplete and still collects the others', async () => {
      const denied = Object.assign(
        new Error('User is not authorized to perform: lambda:ListFunctions'),
        {
          name: 'AccessDeniedException',
        },
      );
      fleet = mockFleet({
        functions,
        stacks: stacksOf(functions),
        failingAccounts: { [STAGING]: denied },
      });
      const { collector } = newCollector();

      const result = await collector.collect({
        environments: ENVIRONMENTS,
        services,
      });

      expect(result.failedLocations).toEqual([
        {
          accountId: STAGING,
          region: REGION,
          error:
            'lambda:ListFunctions failed: AccessDeniedException: User is not authorized to perform: lambda:ListFunctions',
        },
      ]);
      for (const entityRef of [
        'component:default/checkout-api',
        'component:default/inventory-service',
      ]) {
        expect(environmentOf(result, entityRef, 'staging')).toEqual({
          environment: 'staging',
          complete: false,
          functions: [],
        });
        expect(environmentOf(result, entityRef, 'dev').complete).toBe(true);
        expect(environmentOf(result, entityRef, 'prod').complete).toBe(true);
      }
      expect(
        environmentOf(result, 'component:default/checkout-api', 'prod')
          .functions[0].digest,
      ).toBe(`sha256:${hex('p')}`);
    });

    it('reports an account whose credentials cannot be had as failed', async () => {
      fleet = mockFleet({ functions, stacks: stacksOf(functions) });
      const { collector } = newCollector({
        credentialsManager: fakeCredentialsManager({
          unreachableAccounts: [PROD],
        }),
      });

      const result = await collector.collect({
        environments: ENVIRONMENTS,
        services,
      });

      expect(result.failedLocations).toEqual([
        {
          accountId: PROD,
          region: REGION,
          error: `AccessDenied: could not assume role in ${PROD}`,
        },
      ]);
      expect(
        environmentOf(result, 'component:default/checkout-api', 'prod')
          .complete,
      ).toBe(false);
      expect(
        environmentOf(result, 'component:default/checkout-api', 'dev')
          .functions,
      ).toHaveLength(1);
    });

    it('reports an account still throttled after the retries as failed', async () => {
      // Requests are signed with the account's key: throttle only the staging account.
      const emptyList = {
        statusCode: 200,
        body: JSON.stringify({ Functions: [] }),
      };
      const http = stubHttpHandler(request =>
        request.headers.authorization?.includes(`key-${STAGING}/`)
          ? lambdaThrottled()
          : emptyList,
      );
      const { collector } = newCollector({
        requestHandler: http,
        retry: { ...FAST_RETRY, maxAttempts: 2 },
      });

      const result = await collector.collect({
        environments: ENVIRONMENTS,
        services,
      });

      expect(result.failedLocations).toEqual([
        {
          accountId: STAGING,
          region: REGION,
          error:
            'lambda:ListFunctions failed: TooManyRequestsException: Rate exceeded',
        },
      ]);
      expect(
        environmentOf(result, 'component:default/checkout-api', 'staging')
          .complete,
      ).toBe(false);
      expect(
        environmentOf(result, 'component:default/checkout-api', 'dev').complete,
      ).toBe(true);
      // ListFunctions was tried twice (the tag walk beside it stops when the location fails).
      expect(
        http.requests.filter(
          r =>
            r.headers.authorization?.includes(`key-${STAGING}/`) &&
            r.path.endsWith('/functions'),
        ),
      ).toHaveLength(2);
    }, 30_000);
  });
});
