import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  ComplianceSummary,
  EnvironmentComparison,
  EnvironmentDefinition,
  EnvironmentMatrix,
  EnvironmentState,
  FleetServiceSummary,
  FunctionResource,
  FunctionSearch,
  FunctionVersionSummary,
  PromotionRequest,
  RollbackRecord,
  summariseFindings,
} from '@internal/backstage-plugin-environments-common';
import {
  EnvironmentsApi,
  ServiceFinding,
  ServiceFindings,
  StackDriftCheck,
} from '../api';

// Test data shaped like the demo fleet (project shop, dev → staging → prod).

export const environments: EnvironmentDefinition[] = [
  {
    name: 'dev',
    title: 'Development',
    shortName: 'dev',
    longName: 'development',
    locations: [{ accountId: '111111111111', region: 'eu-west-1' }],
  },
  {
    name: 'staging',
    title: 'Staging',
    shortName: 'staging',
    longName: 'staging',
    locations: [{ accountId: '222222222222', region: 'eu-west-1' }],
  },
  {
    name: 'prod',
    title: 'Production',
    shortName: 'prod',
    longName: 'production',
    locations: [{ accountId: '333333333333', region: 'eu-west-1' }],
  },
];

const ACCOUNTS: Record<string, string> = {
  dev: '111111111111',
  staging: '222222222222',
  prod: '333333333333',
};

/** A 64-hex image digest made from a seed, e.g. digest('a') = sha256:aaaa…. */
export function digest(seed: string): string {
  return `sha256:${seed.repeat(64).slice(0, 64)}`;
}

export function entity(
  name: string,
  annotations: Record<string, string> = { 'environments.io/project': 'shop' },
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', owner: 'team-checkout', lifecycle: 'production' },
  };
}

const hoursAgo = (hours: number) =>
  new Date(Date.now() - hours * 3600 * 1000).toISOString();

export function fn(
  component: string,
  env: string,
  overrides: Partial<FunctionResource> = {},
): FunctionResource {
  const accountId = ACCOUNTS[env];
  const functionName = `shop-${component}-${env}`;
  return {
    accountId,
    region: 'eu-west-1',
    functionName,
    functionArn: `arn:aws:lambda:eu-west-1:${accountId}:function:${functionName}`,
    discoveredBy: 'convention',
    primary: true,
    liveAlias: { version: '3' },
    imageUri: `${accountId}.dkr.ecr.eu-west-1.amazonaws.com/${component}@${digest(
      'a',
    )}`,
    deployedAt: hoursAgo(48),
    configuration: {
      packageType: 'Image',
      memorySize: 1024,
      timeout: 300,
      reservedConcurrency: 10,
      architectures: ['x86_64'],
      environmentVariableNames: ['LOG_LEVEL', 'TABLE_NAME'],
      layers: [],
    },
    tags: { Project: 'shop', Component: component, Environment: env },
    stack: {
      stackName: functionName,
      stackId: `arn:aws:cloudformation:eu-west-1:${accountId}:stack/${functionName}/1`,
      status: 'UPDATE_COMPLETE',
    },
    ...overrides,
  };
}

export function comparison(
  previousEnvironment: string,
  flags: Partial<Omit<EnvironmentComparison, 'previousEnvironment'>> = {},
): EnvironmentComparison {
  return {
    previousEnvironment,
    sameDigestAsPrevious: false,
    promotionPending: false,
    unpromotedArtifact: false,
    ...flags,
  };
}

/** An environment where the service runs `seed`'s digest. */
export function running(
  component: string,
  env: string,
  seed: string,
  extra: Partial<EnvironmentState> = {},
  fnOverrides: Partial<FunctionResource> = {},
): EnvironmentState {
  const f = fn(component, env, {
    imageUri: `${
      ACCOUNTS[env]
    }.dkr.ecr.eu-west-1.amazonaws.com/${component}@${digest(seed)}`,
    ...fnOverrides,
  });
  return {
    environment: env,
    status: 'ok',
    functions: [f],
    digest: digest(seed),
    digestKind: 'image',
    liveVersion: f.liveAlias?.version,
    deployedAt: f.deployedAt,
    freshness: { refreshedAt: hoursAgo(0.1), stale: false },
    ...extra,
  };
}

/** Where the backend says it looked for `component` in `env`, by the demo's convention. */
export function searchedFor(
  component: string,
  env: string,
  extra: Partial<FunctionSearch> = {},
): FunctionSearch {
  const spellings = environments.find(e => e.name === env)!;
  return {
    names: [
      {
        name: `shop-${component}-${spellings.shortName}`,
        source: 'convention',
        convention: '{project}-{component}-{env}',
        setBy: 'environments.compliance.naming.conventions.lambdaFunction',
      },
    ],
    tags: [
      { key: 'Project', values: ['shop'] },
      { key: 'Component', values: [component] },
      {
        key: 'Environment',
        values: [...new Set([spellings.shortName, spellings.longName])],
      },
    ],
    locations: spellings.locations,
    ...extra,
  };
}

/** An environment where nothing was found; `searched` is where the backend says it looked. */
export function missing(
  env: string,
  searched?: FunctionSearch,
): EnvironmentState {
  return {
    environment: env,
    status: 'missing',
    functions: [],
    freshness: { refreshedAt: hoursAgo(0.1), stale: false },
    ...(searched ? { searched } : {}),
  };
}

export function matrix(
  name: string,
  states: EnvironmentState[],
): EnvironmentMatrix {
  return { entityRef: `component:default/${name}`, environments: states };
}

/** checkout-api: every environment behind the one before it. */
export const checkoutMatrix = matrix('checkout-api', [
  running('checkout-api', 'dev', 'c'),
  running('checkout-api', 'staging', 'b', {
    comparison: comparison('dev', { promotionPending: true }),
  }),
  running('checkout-api', 'prod', 'a', {
    comparison: comparison('staging', { promotionPending: true }),
  }),
]);

/** payments-api: staging equals dev; prod runs a hotfix that never ran in staging. */
export const paymentsMatrix = matrix('payments-api', [
  running('payments-api', 'dev', 'd'),
  running('payments-api', 'staging', 'd', {
    comparison: comparison('dev', { sameDigestAsPrevious: true }),
  }),
  running('payments-api', 'prod', 'e', {
    comparison: comparison('staging', { unpromotedArtifact: true }),
  }),
]);

export function fleetService(
  name: string,
  options: {
    owner?: string;
    system?: string;
    needsPromotion?: boolean;
    unpromoted?: boolean;
    stale?: boolean;
  } = {},
): FleetServiceSummary {
  const {
    owner = 'group:default/team-platform',
    system = 'system:default/shop',
    needsPromotion = false,
    unpromoted = false,
    stale = false,
  } = options;
  return {
    entityRef: `component:default/${name}`,
    owner,
    system,
    environments: [
      { environment: 'dev', status: 'ok', digest: digest('c'), stale: false },
      {
        environment: 'staging',
        status: 'ok',
        digest: digest('c'),
        stale: false,
        comparison: comparison('dev', { sameDigestAsPrevious: true }),
      },
      {
        environment: 'prod',
        status: 'ok',
        digest: digest(needsPromotion || unpromoted ? 'b' : 'c'),
        stale,
        comparison: comparison('staging', {
          sameDigestAsPrevious: !(needsPromotion || unpromoted),
          promotionPending: needsPromotion,
          unpromotedArtifact: unpromoted,
        }),
      },
    ],
    needsPromotion,
    hasUnpromotedArtifact: unpromoted,
    stale,
  };
}

/** A finding of checkout-api (unless overridden), first seen three days ago. */
export function finding(
  overrides: Partial<ServiceFinding> &
    Pick<ServiceFinding, 'kind' | 'severity' | 'environment' | 'message'>,
): ServiceFinding {
  return {
    entityRef: 'component:default/checkout-api',
    resource: `arn:aws:lambda:eu-west-1:${
      ACCOUNTS[overrides.environment] ?? '111111111111'
    }:function:shop-checkout-api-${overrides.environment}`,
    rule: `${overrides.kind}.rule`,
    since: hoursAgo(72),
    lastSeenAt: hoursAgo(0.1),
    ...overrides,
  };
}

/** The drift check of a service's stack in one environment. */
export function stackCheck(
  environment: string,
  overrides: Partial<StackDriftCheck> = {},
): StackDriftCheck {
  return {
    environment,
    accountId: ACCOUNTS[environment],
    region: 'eu-west-1',
    stackName: `shop-checkout-api-${environment}`,
    status: 'checked',
    attemptedAt: hoursAgo(1),
    checkedAt: hoursAgo(1),
    stackDriftStatus: 'IN_SYNC',
    driftedResources: 0,
    ...overrides,
  };
}

/** What GET …/findings answers for these findings and stack checks (evaluated a minute ago). */
export function serviceFindings(
  items: ServiceFinding[] = [],
  stacks: StackDriftCheck[] = [],
  entityRef = 'component:default/checkout-api',
): ServiceFindings {
  return {
    items,
    summary: summariseFindings(entityRef, items, hoursAgo(1 / 60)),
    stacks,
  };
}

/** A compliance summary as GET /compliance answers it, from a list of findings. */
export function complianceSummary(
  name: string,
  items: Array<Pick<ServiceFinding, 'kind' | 'severity'>>,
): ComplianceSummary {
  return summariseFindings(
    `component:default/${name}`,
    items,
    hoursAgo(1 / 60),
  );
}

/**
 * A fake EnvironmentsApi; every method fails unless the test provides it, except the compliance
 * reads, which answer "evaluated, nothing found", the promotion and rollback lists, which answer
 * "none", and the promotion windows, which say nothing is closed, so tests of other features need not
 * provide them.
 */
export function fakeApi(
  overrides: Partial<EnvironmentsApi> = {},
): jest.Mocked<EnvironmentsApi> {
  const notProvided = (method: string) =>
    jest.fn(async () => {
      throw new Error(`${method} is not part of this test`);
    });
  return {
    getEnvironments: jest.fn(async () => environments),
    getMatrix: notProvided('getMatrix'),
    getHistory: notProvided('getHistory'),
    refresh: notProvided('refresh'),
    getFleet: notProvided('getFleet'),
    getFindings: jest.fn(async () => serviceFindings()),
    checkDrift: notProvided('checkDrift'),
    getComplianceSummaries: jest.fn(async () => []),
    requestPromotion: notProvided('requestPromotion'),
    getPromotion: notProvided('getPromotion'),
    listPromotions: jest.fn(async () => []),
    getPromotionWindows: jest.fn(async () => []),
    approvePromotion: notProvided('approvePromotion'),
    rejectPromotion: notProvided('rejectPromotion'),
    cancelPromotion: notProvided('cancelPromotion'),
    listVersions: notProvided('listVersions'),
    requestRollback: notProvided('requestRollback'),
    getRollback: notProvided('getRollback'),
    listRollbacks: jest.fn(async () => []),
    // The configuration matrix: nothing found and nothing to say, unless a test says otherwise.
    getSettingsMatrix: jest.fn(async service => ({
      entityRef: `component:default/${service.name}`,
      environments: [],
      rows: [],
      findings: [],
    })),
    getPromotionGate: jest.fn(async (_entity, environment) => ({
      environment,
      mode: 'warn' as const,
      blocks: false,
      findings: [],
    })),
    ...overrides,
  } as jest.Mocked<EnvironmentsApi>;
}

/** The function promotions and rollbacks of checkout-api's prod change. */
const checkoutProdFunction = {
  accountId: '333333333333',
  region: 'eu-west-1',
  functionName: 'shop-checkout-api-prod',
};

/** A request to promote checkout-api from staging (digest b, version 7) into prod, by alice, awaiting one approval. */
export function promotion(
  overrides: Partial<PromotionRequest> = {},
): PromotionRequest {
  return {
    id: 'p-1',
    entityRef: 'component:default/checkout-api',
    sourceEnvironment: 'staging',
    targetEnvironment: 'prod',
    skippedEnvironments: [],
    digest: digest('b'),
    sourceVersion: '7',
    imageUri: `333333333333.dkr.ecr.eu-west-1.amazonaws.com/checkout-api@${digest(
      'b',
    )}`,
    target: checkoutProdFunction,
    status: 'requested',
    requestedBy: 'user:default/alice',
    requestedAt: hoursAgo(1),
    expiresAt: hoursAgo(-23),
    updatedAt: hoursAgo(1),
    previousDigest: digest('a'),
    approvals: [],
    steps: [],
    history: [],
    policy: {
      requiresApproval: true,
      approvalsRequired: 1,
      approvalsGiven: 0,
      approvers: ['group:default/team-checkout'],
      approvalTtlSeconds: 86400,
      missing: [
        '1 more approval from members of group:default/team-checkout (not user:default/alice)',
      ],
      window: { closed: false },
    },
    sourceMovedOn: false,
    warnings: [],
    ...overrides,
  };
}

/** A rollback of checkout-api's prod from version 3 to version 2, requested by alice an hour ago; it succeeded. */
export function rollback(
  overrides: Partial<RollbackRecord> = {},
): RollbackRecord {
  return {
    id: 'r-1',
    entityRef: 'component:default/checkout-api',
    environment: 'prod',
    target: checkoutProdFunction,
    fromVersion: '3',
    toVersion: '2',
    status: 'succeeded',
    requestedBy: 'user:default/alice',
    requestedAt: hoursAgo(1),
    intentionalDrift: false,
    warnings: [],
    steps: [],
    history: [],
    ...overrides,
  };
}

/** A published version of a function, live or not. */
export function version(
  number: string,
  seed: string,
  overrides: Partial<FunctionVersionSummary> = {},
): FunctionVersionSummary {
  return {
    version: number,
    digest: digest(seed),
    publishedAt: hoursAgo(24 * Number(number)),
    isLive: false,
    ...overrides,
  };
}

/** The ResponseError the client throws for a Backstage error body, e.g. a 403 NotAllowedError. */
export async function backendError(
  status: number,
  name: string,
  message: string,
) {
  const body = JSON.stringify({
    error: { name, message },
    request: { method: 'POST', url: '/api/environments/x' },
    response: { statusCode: status },
  });
  return ResponseError.fromResponse({
    ok: false,
    status,
    statusText: name,
    type: 'basic',
    url: 'http://localhost:7007/api/environments/x',
    headers: new Headers({ 'content-type': 'application/json' }),
    text: async () => body,
  } as any);
}
