import { ConfigReader } from '@backstage/config';
import {
  EnvironmentDefinition,
  EnvironmentMatrix,
  EnvironmentState,
  FunctionResource,
} from '@internal/backstage-plugin-environments-common';
import { readComplianceConfig } from './config';
import { evaluateService } from './evaluateService';
import { IntendedAliasDrift, ServiceFacts, StackDriftCheck } from './types';

const ACCOUNTS: Record<string, string> = {
  dev: '111111111111',
  staging: '222222222222',
  prod: '333333333333',
};

const environments: EnvironmentDefinition[] = [
  {
    name: 'dev',
    title: 'Development',
    shortName: 'dev',
    longName: 'development',
    locations: [],
  },
  {
    name: 'staging',
    title: 'Staging',
    shortName: 'staging',
    longName: 'staging',
    locations: [],
  },
  {
    name: 'prod',
    title: 'Production',
    shortName: 'prod',
    longName: 'production',
    locations: [],
  },
];

/** The demo fleet's compliance configuration (examples/ app-config). */
const config = readComplianceConfig(
  new ConfigReader({
    environments: {
      definitions: [
        {
          name: 'dev',
          locations: [],
          declared: { memory: 512, timeout: 120, reservedConcurrency: 5 },
        },
        {
          name: 'staging',
          locations: [],
          declared: { memory: 1024, timeout: 300, reservedConcurrency: 10 },
        },
        {
          name: 'prod',
          locations: [],
          declared: { memory: 1024, timeout: 300, reservedConcurrency: 50 },
        },
      ],
      compliance: {
        naming: {
          conventions: {
            lambdaFunction: '{project}-{component}-{env}',
            cloudFormationStack: '{project}-{component}-{env}',
          },
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
    },
  }),
  environments,
);

const DECLARED: Record<string, { memory: number; timeout: number }> = {
  dev: { memory: 512, timeout: 120 },
  staging: { memory: 1024, timeout: 300 },
  prod: { memory: 1024, timeout: 300 },
};

function fn(
  component: string,
  env: string,
  options: {
    name?: string;
    owner?: string;
    tags?: Record<string, string | undefined>;
    configuration?: Partial<FunctionResource['configuration']>;
    discoveredBy?: FunctionResource['discoveredBy'];
  } = {},
): FunctionResource {
  const accountId = ACCOUNTS[env];
  const name = options.name ?? `shop-${component}-${env}`;
  const tags = Object.fromEntries(
    Object.entries({
      Project: 'shop',
      Component: component,
      Environment: env,
      ManagedBy: 'cloudformation',
      Owner: options.owner ?? 'team-platform',
      CostCenter: 'cc-42',
      ...options.tags,
    }).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  return {
    accountId,
    region: 'eu-west-1',
    functionName: name,
    functionArn: `arn:aws:lambda:eu-west-1:${accountId}:function:${name}`,
    discoveredBy: options.discoveredBy ?? 'convention',
    primary: true,
    liveAlias: { version: '3' },
    digest: 'sha256:aaaa',
    digestKind: 'image',
    configuration: {
      packageType: 'Image',
      memorySize: DECLARED[env].memory,
      timeout: DECLARED[env].timeout,
      architectures: ['x86_64'],
      environmentVariableNames: ['LOG_LEVEL', 'TABLE_NAME'],
      layers: [],
      ...options.configuration,
    },
    tags,
    stack: {
      stackName: `shop-${component}-${env}`,
      stackId: `arn:aws:cloudformation:eu-west-1:${accountId}:stack/shop-${component}-${env}/1`,
      status: 'UPDATE_COMPLETE',
    },
  };
}

function matrix(
  component: string,
  functions: Record<string, FunctionResource[]>,
  extra: Record<string, Partial<EnvironmentState>> = {},
): EnvironmentMatrix {
  return {
    entityRef: `component:default/${component}`,
    environments: environments.map(({ name }, index) => ({
      environment: name,
      status: functions[name]?.length ? 'ok' : 'missing',
      functions: functions[name] ?? [],
      digest: 'sha256:aaaa',
      freshness: { stale: false, refreshedAt: '2026-11-23T10:00:00Z' },
      ...(index > 0
        ? {
            comparison: {
              previousEnvironment: environments[index - 1].name,
              sameDigestAsPrevious: true,
              promotionPending: false,
              unpromotedArtifact: false,
            },
          }
        : {}),
      ...extra[name],
    })),
  };
}

function facts(
  component: string,
  owner = 'group:default/team-platform',
): ServiceFacts {
  return {
    entityRef: `component:default/${component}`,
    project: 'shop',
    component,
    owner,
  };
}

function everywhere(component: string, options: Parameters<typeof fn>[2] = {}) {
  return Object.fromEntries(
    environments.map(({ name }) => [name, [fn(component, name, options)]]),
  );
}

describe('evaluateService', () => {
  it('finds nothing wrong with inventory-service', () => {
    expect(
      evaluateService({
        matrix: matrix('inventory-service', everywhere('inventory-service')),
        environments,
        service: facts('inventory-service'),
        config,
      }),
    ).toEqual([]);
  });

  it('finds the long environment spelling in prod and the missing tags in staging (notifications-worker)', () => {
    const functions = everywhere('notifications-worker');
    functions.prod = [
      fn('notifications-worker', 'prod', {
        name: 'shop-notifications-worker-production',
        discoveredBy: 'tags',
      }),
    ];
    functions.staging = [
      fn('notifications-worker', 'staging', {
        tags: { Owner: undefined, CostCenter: undefined },
      }),
    ];

    const findings = evaluateService({
      matrix: matrix('notifications-worker', functions),
      environments,
      service: facts('notifications-worker'),
      config,
    });

    expect(
      findings.map(f => [f.kind, f.environment, f.rule, f.subject, f.expected]),
    ).toEqual([
      ['tags', 'staging', 'tags.required', 'Owner', 'Owner'],
      ['tags', 'staging', 'tags.required', 'CostCenter', 'CostCenter'],
      [
        'naming',
        'prod',
        'naming.environment-spelling',
        undefined,
        'shop-notifications-worker-prod',
      ],
    ]);
    expect(findings[2]).toMatchObject({
      severity: 'warning',
      resource:
        'arn:aws:lambda:eu-west-1:333333333333:function:shop-notifications-worker-production',
      actual: 'shop-notifications-worker-production',
    });
    expect(findings[2].message).toContain("long spelling 'production'");
    expect(findings[0]).toMatchObject({ severity: 'error' });
  });

  it('names key, declared and actual value of configuration drift (reporting-api)', () => {
    const functions = everywhere('reporting-api');
    functions.staging = [
      fn('reporting-api', 'staging', { configuration: { memorySize: 512 } }),
    ];
    functions.prod = [
      fn('reporting-api', 'prod', { configuration: { timeout: 60 } }),
    ];

    const findings = evaluateService({
      matrix: matrix('reporting-api', functions),
      environments,
      service: facts('reporting-api'),
      config,
    });

    expect(
      findings.map(f => [
        f.kind,
        f.environment,
        f.subject,
        f.expected,
        f.actual,
      ]),
    ).toEqual([
      ['config-drift', 'staging', 'memory', '1024 MB', '512 MB'],
      ['config-drift', 'prod', 'timeout', '300 s', '60 s'],
    ]);
    expect(findings[0].message).toBe(
      'shop-reporting-api-staging: memory is 512 MB in staging but 1024 MB is declared (app-config environments.definitions[1].declared)',
    );
  });

  it('lets the repository override the declared values and names the file', () => {
    const functions = everywhere('reporting-api');
    functions.staging = [
      fn('reporting-api', 'staging', { configuration: { memorySize: 512 } }),
    ];
    const source =
      'https://github.com/acme/shop-reporting/tree/main/envs/staging/terraform.tfvars';

    const findings = evaluateService({
      matrix: matrix('reporting-api', functions),
      environments,
      service: facts('reporting-api'),
      config,
      declaredOverrides: {
        overrides: [
          {
            environment: 'staging',
            source,
            values: { memory: 512, timeout: 240 },
          },
        ],
        problems: [
          {
            environment: 'prod',
            source: 'https://x/envs/prod/environment.yaml',
            message: 'envs/prod/environment.yaml is not valid YAML',
          },
        ],
      },
    });

    expect(
      findings.map(f => [f.kind, f.environment, f.rule, f.subject]),
    ).toEqual([
      ['config-drift', 'staging', 'config.declared', 'timeout'],
      ['config-drift', 'prod', 'config.declared-unreadable', undefined],
    ]);
    expect(findings[0].message).toContain(`240 s is declared (${source})`);
  });

  it('treats unknown reserved concurrency as no difference, and none reserved as one', () => {
    const functions = everywhere('inventory-service');
    functions.prod = [
      fn('inventory-service', 'prod', {
        configuration: { reservedConcurrency: null },
      }),
    ];
    const findings = evaluateService({
      matrix: matrix('inventory-service', functions),
      environments,
      service: facts('inventory-service'),
      config,
    });
    expect(
      findings.map(f => [f.environment, f.subject, f.expected, f.actual]),
    ).toEqual([['prod', 'reservedConcurrency', '50', 'none']]);
  });

  it('reports a digest that never ran in the environment before (payments-api)', () => {
    const functions = everywhere('payments-api', { owner: 'team-checkout' });
    const findings = evaluateService({
      matrix: matrix('payments-api', functions, {
        prod: {
          digest: 'sha256:0123456789abcdef0123',
          comparison: {
            previousEnvironment: 'staging',
            sameDigestAsPrevious: false,
            promotionPending: false,
            unpromotedArtifact: true,
          },
        },
      }),
      environments,
      service: facts('payments-api', 'group:default/team-checkout'),
      config,
    });
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'digest-drift',
        severity: 'error',
        environment: 'prod',
        rule: 'digest.unpromoted',
        actual: 'sha256:0123456789abcdef0123',
        message: expect.stringContaining(
          'runs 0123456789ab, which never ran in staging',
        ),
      }),
    ]);
  });

  it('reports parity differences between consecutive environments except the keys allowed to differ', () => {
    const functions = everywhere('checkout-api', { owner: 'team-checkout' });
    functions.staging = [
      fn('checkout-api', 'staging', {
        owner: 'team-checkout',
        configuration: {
          architectures: ['arm64'],
          environmentVariableNames: ['LOG_LEVEL', 'TABLE_NAME', 'FEATURE_X'],
          layers: ['arn:aws:lambda:eu-west-1:222222222222:layer:otel:7'],
        },
      }),
    ];
    functions.prod = [
      fn('checkout-api', 'prod', {
        owner: 'team-checkout',
        configuration: {
          architectures: ['arm64'],
          environmentVariableNames: ['LOG_LEVEL', 'TABLE_NAME', 'FEATURE_X'],
          // Same layer, other account and version: not a difference.
          layers: ['arn:aws:lambda:eu-west-1:333333333333:layer:otel:3'],
        },
      }),
    ];

    const findings = evaluateService({
      matrix: matrix('checkout-api', functions),
      environments,
      service: facts('checkout-api', 'group:default/team-checkout'),
      config,
    });

    expect(
      findings.map(f => [
        f.kind,
        f.environment,
        f.subject,
        f.expected,
        f.actual,
      ]),
    ).toEqual([
      ['parity', 'staging', 'architecture', 'x86_64', 'arm64'],
      [
        'parity',
        'staging',
        'environmentVariableNames',
        'LOG_LEVEL, TABLE_NAME',
        'FEATURE_X, LOG_LEVEL, TABLE_NAME',
      ],
      ['parity', 'staging', 'layers', '(none)', 'otel'],
    ]);
    expect(findings[1].message).toContain('only in staging: FEATURE_X');
    expect(findings[1].message).toContain(
      'only memory, timeout, reservedConcurrency may differ',
    );
  });

  it('uses the naming convention of the annotation, and reports a broken one', () => {
    const functions = Object.fromEntries(
      environments.map(({ name }) => [
        name,
        [fn('api', name, { name: `smartstack-${name}-api` })],
      ]),
    );
    const service = { ...facts('api'), project: 'smartstack' };
    const tagsOff = {
      ...config,
      tags: { ...config.tags, required: [] },
      naming: { 'lambda-function': config.naming['lambda-function'] },
    };
    const withTags = (findings: ReturnType<typeof evaluateService>) =>
      findings.filter(f => f.kind === 'naming');

    const byConfig = withTags(
      evaluateService({
        matrix: matrix('api', functions),
        environments,
        service,
        config: tagsOff,
      }),
    );
    expect(byConfig.map(f => f.expected)).toEqual([
      'smartstack-api-dev',
      'smartstack-api-staging',
      'smartstack-api-prod',
    ]);

    expect(
      withTags(
        evaluateService({
          matrix: matrix('api', functions),
          environments,
          service: {
            ...service,
            namingOverrides: { 'lambda-function': '{project}-{env}-{service}' },
          },
          config: tagsOff,
        }),
      ),
    ).toEqual([]);

    const broken = withTags(
      evaluateService({
        matrix: matrix('api', functions),
        environments,
        service: {
          ...service,
          namingOverrides: { 'lambda-function': '{project}-{stage}' },
        },
        config: tagsOff,
      }),
    );
    expect(broken[0]).toMatchObject({
      severity: 'error',
      rule: 'naming.invalid-convention',
      resource: 'component:default/api',
      subject: 'environments.io/naming-convention',
    });
  });

  it('checks the name of a function named explicitly by annotation too, saying the annotation names it', () => {
    const functions = everywhere('inventory-service');
    functions.prod = [
      fn('inventory-service', 'prod', {
        name: 'legacy-inventory',
        discoveredBy: 'explicit',
      }),
    ];
    const findings = evaluateService({
      matrix: matrix('inventory-service', functions),
      environments,
      service: facts('inventory-service'),
      config,
    });
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'naming',
        environment: 'prod',
        rule: 'naming.pattern',
        actual: 'legacy-inventory',
        expected: 'shop-inventory-service-prod',
        message: expect.stringContaining(
          'The annotation environments.io/function.prod names it, which finds it but does not exempt it.',
        ),
      }),
    ]);
  });

  it('turns the last successful CloudFormation drift check into findings, for stacks still present', () => {
    const check: StackDriftCheck = {
      entityRef: 'component:default/inventory-service',
      environment: 'prod',
      accountId: ACCOUNTS.prod,
      region: 'eu-west-1',
      stackName: 'shop-inventory-service-prod',
      status: 'failed',
      reason: 'Throttling',
      attemptedAt: '2026-11-23T16:00:00.000Z',
      checkedAt: '2026-11-23T10:00:05.000Z',
      stackDriftStatus: 'DRIFTED',
      resources: [
        {
          logicalResourceId: 'Function',
          physicalResourceId: 'shop-inventory-service-prod',
          resourceType: 'AWS::Lambda::Function',
          status: 'MODIFIED',
          differences: [
            {
              propertyPath: '/MemorySize',
              expectedValue: '1024',
              actualValue: '2048',
              differenceType: 'NOT_EQUAL',
            },
          ],
        },
        {
          logicalResourceId: 'Queue',
          resourceType: 'AWS::SQS::Queue',
          status: 'DELETED',
          differences: [],
        },
      ],
    };
    const gone: StackDriftCheck = {
      ...check,
      stackName: 'shop-inventory-service-old',
    };
    const notChecked: StackDriftCheck = {
      ...check,
      environment: 'dev',
      accountId: ACCOUNTS.dev,
      stackName: 'shop-inventory-service-dev',
      status: 'not-checked',
      reason: 'CloudFormation drift detection is not available here',
      checkedAt: undefined,
      stackDriftStatus: undefined,
      resources: undefined,
    };

    const findings = evaluateService({
      matrix: matrix('inventory-service', everywhere('inventory-service')),
      environments,
      service: facts('inventory-service'),
      config,
      stackDrift: [check, gone, notChecked],
    });

    expect(
      findings.map(f => [
        f.kind,
        f.severity,
        f.environment,
        f.subject,
        f.expected,
        f.actual,
      ]),
    ).toEqual([
      [
        'cloudformation-drift',
        'warning',
        'prod',
        'Function./MemorySize',
        '1024',
        '2048',
      ],
      ['cloudformation-drift', 'error', 'prod', 'Queue', undefined, undefined],
    ]);
    expect(findings[0].message).toBe(
      'AWS::Lambda::Function Function (shop-inventory-service-prod) of stack shop-inventory-service-prod: /MemorySize is 2048 but the template says 1024 (drift checked 2026-11-23T10:00:05.000Z)',
    );
    expect(findings[1].resource).toBe('shop-inventory-service-prod/Queue');
  });

  it('reports a stack-owned live alias that a rollback moved as intended information until the next promotion, and other alias drift as a warning', () => {
    const aliasOf = (functionName: string) =>
      `arn:aws:lambda:eu-west-1:${ACCOUNTS.prod}:function:${functionName}:live`;
    const check: StackDriftCheck = {
      entityRef: 'component:default/inventory-service',
      environment: 'prod',
      accountId: ACCOUNTS.prod,
      region: 'eu-west-1',
      stackName: 'shop-inventory-service-prod',
      status: 'checked',
      attemptedAt: '2026-11-23T16:00:00.000Z',
      checkedAt: '2026-11-23T16:00:05.000Z',
      stackDriftStatus: 'DRIFTED',
      resources: [
        'shop-inventory-service-prod',
        'shop-inventory-worker-prod',
      ].map((functionName, i) => ({
        logicalResourceId: `Live${i}`,
        physicalResourceId: aliasOf(functionName),
        resourceType: 'AWS::Lambda::Alias',
        status: 'MODIFIED',
        differences: [
          {
            propertyPath: '/FunctionVersion',
            expectedValue: '1',
            actualValue: '2',
            differenceType: 'NOT_EQUAL',
          },
        ],
      })),
    };
    const evaluate = (intendedDrift: IntendedAliasDrift[]) =>
      evaluateService({
        matrix: matrix('inventory-service', everywhere('inventory-service')),
        environments,
        service: facts('inventory-service'),
        config,
        stackDrift: [check],
        intendedDrift,
      }).map(f => [f.severity, f.rule, f.subject]);

    expect(evaluate([])).toEqual([
      ['warning', 'cloudformation.resource-modified', 'Live0./FunctionVersion'],
      ['warning', 'cloudformation.resource-modified', 'Live1./FunctionVersion'],
    ]);
    const rolledBack: IntendedAliasDrift = {
      accountId: ACCOUNTS.prod,
      region: 'eu-west-1',
      functionName: 'shop-inventory-service-prod',
      rollbackId: 'r-1',
      requestedBy: 'user:default/carol',
    };
    expect(evaluate([rolledBack])).toEqual([
      ['info', 'cloudformation.alias-rolled-back', 'Live0'],
      ['warning', 'cloudformation.resource-modified', 'Live1./FunctionVersion'],
    ]);
    // Another account's function of the same name is another alias.
    expect(evaluate([{ ...rolledBack, accountId: ACCOUNTS.dev }])[0][0]).toBe(
      'warning',
    );
  });

  it('checks stack names against the stack convention', () => {
    const functions = everywhere('inventory-service');
    const prod = functions.prod[0];
    functions.prod = [
      {
        ...prod,
        stack: { ...prod.stack!, stackName: 'shop-prod-inventory-service' },
      },
    ];
    const findings = evaluateService({
      matrix: matrix('inventory-service', functions),
      environments,
      service: facts('inventory-service'),
      config,
    });
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'naming',
        rule: 'naming.order',
        resource: prod.stack!.stackId,
        expected: 'shop-inventory-service-prod',
        message: expect.stringMatching(
          /^CloudFormation stack 'shop-prod-inventory-service' breaks/,
        ),
      }),
    ]);
  });
});
