import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  ComplianceSummary,
  EnvironmentMatrix,
  Finding,
  findingKey,
  summariseFindings,
} from '@internal/backstage-plugin-environments-common';
import { ENVIRONMENTS } from '../matrix/__testUtils__/demoFleet';
import {
  DeclaredOverrides,
  FindingsFilter,
  FindingsStore,
  readComplianceConfig,
  StackDriftCheck,
  StackDriftChecker,
  StackDriftStore,
  StoredFinding,
} from '.';
import {
  ComplianceFleetCollector,
  driftedMemory,
  FakeDriftDetectors,
} from '../__testUtils__/testBackend';
import { ComplianceService } from './ComplianceService';
import { ComplianceFacts } from '../catalog/ServiceCatalog';

/** FindingsStore and StackDriftStore in memory, keeping `since` as the database store does. */
class InMemoryFindingsStore implements FindingsStore, StackDriftStore {
  findings = new Map<string, StoredFinding[]>();
  evaluatedAt = new Map<string, string>();
  checks = new Map<string, StackDriftCheck>();

  async replaceFindings(entityRef: string, found: Finding[], now: Date) {
    const before = new Map(
      (this.findings.get(entityRef) ?? []).map(f => [findingKey(f), f]),
    );
    const stored = found.map(f => ({
      ...f,
      entityRef,
      since: before.get(findingKey(f))?.since ?? now.toISOString(),
      lastSeenAt: now.toISOString(),
    }));
    this.findings.set(entityRef, stored);
    this.evaluatedAt.set(entityRef, now.toISOString());
    return stored;
  }

  async listFindings(filter: FindingsFilter = {}) {
    return [...this.findings.values()]
      .flat()
      .filter(
        f =>
          (!filter.entityRef || f.entityRef === filter.entityRef) &&
          (!filter.kind || filter.kind.includes(f.kind)),
      );
  }

  async summary(entityRef: string): Promise<ComplianceSummary> {
    return summariseFindings(
      entityRef,
      this.findings.get(entityRef) ?? [],
      this.evaluatedAt.get(entityRef),
    );
  }

  async fleetSummary() {
    return [...this.evaluatedAt.keys()].map(ref =>
      summariseFindings(ref, this.findings.get(ref) ?? []),
    );
  }

  async listStackDriftChecks(filter: { entityRef?: string } = {}) {
    return [...this.checks.values()].filter(
      c => !filter.entityRef || c.entityRef === filter.entityRef,
    );
  }

  async saveStackDriftCheck(check: StackDriftCheck) {
    this.checks.set(`${check.accountId}/${check.stackName}`, check);
  }

  async removeServicesExcept(keep: string[]) {
    const departed = (ref: string) => !keep.includes(ref);
    for (const ref of [...this.evaluatedAt.keys()].filter(departed)) {
      this.evaluatedAt.delete(ref);
    }
    for (const ref of [...this.findings.keys()].filter(departed)) {
      this.findings.delete(ref);
    }
    for (const [key, check] of this.checks) {
      if (departed(check.entityRef)) this.checks.delete(key);
    }
  }
}

const config = readComplianceConfig(
  new ConfigReader({
    environments: {
      definitions: ENVIRONMENTS.map(e => ({
        name: e.name,
        ...(e.name === 'prod' ? { declared: { timeout: 300 } } : {}),
      })),
      compliance: {
        naming: {
          conventions: { lambdaFunction: '{project}-{component}-{env}' },
        },
        tags: { required: ['Owner'] },
      },
    },
  }),
  ENVIRONMENTS,
);

function facts(component: string, extra: Partial<ComplianceFacts> = {}) {
  return {
    entityRef: `component:default/${component}`,
    project: 'shop',
    component,
    owner: 'group:default/team-platform',
    ...extra,
  };
}

/** The matrices the plugin would have stored after collecting the ComplianceFleetCollector's fleet. */
async function storedMatrices(components: string[]) {
  const refresh = await new ComplianceFleetCollector().collect({
    environments: ENVIRONMENTS,
    services: components.map(component => ({
      ...facts(component),
      explicitFunctionNames: {},
    })),
  });
  return new Map<string, EnvironmentMatrix>(
    refresh.services.map(s => [
      s.entityRef,
      {
        entityRef: s.entityRef,
        environments: s.environments.map(e => ({
          environment: e.environment,
          status: 'ok',
          functions: e.functions,
          digest: e.functions[0]?.digest,
          freshness: { stale: false },
        })),
      },
    ]),
  );
}

async function setUp(
  options: {
    catalog?: ComplianceFacts[];
    declared?: (source: string | undefined) => DeclaredOverrides;
  } = {},
) {
  const catalog = options.catalog ?? [
    facts('inventory-service'),
    facts('notifications-worker'),
  ];
  const matrices = await storedMatrices(catalog.map(s => s.component));
  const store = new InMemoryFindingsStore();
  const detectors = new FakeDriftDetectors();
  const getMatrix = jest.fn(async (ref: string) => matrices.get(ref)!);
  const read = jest.fn(
    async (source: string | undefined): Promise<DeclaredOverrides> =>
      options.declared?.(source) ?? { overrides: [], problems: [] },
  );
  let now = new Date('2026-11-23T10:00:00Z');
  const logger = mockServices.logger.mock();
  const compliance = new ComplianceService({
    environments: ENVIRONMENTS,
    config,
    matrices: { getMatrix },
    findings: store,
    services: {
      listServiceFacts: async () => catalog,
      getServiceFacts: async ref => catalog.find(s => s.entityRef === ref),
    },
    declared: options.declared ? { read } : undefined,
    driftChecker: new StackDriftChecker({
      detectors,
      store,
      logger,
      stacksPerRun: 2,
    }),
    logger,
    now: () => now,
  });
  return {
    compliance,
    store,
    detectors,
    getMatrix,
    read,
    setNow: (value: string) => {
      now = new Date(value);
    },
  };
}

const rules = (found: Array<Pick<Finding, 'environment' | 'rule'>>) =>
  found.map(f => `${f.environment} ${f.rule}`).sort();

describe('ComplianceService', () => {
  it('evaluates every service of the catalog after a fleet refresh and stores its findings', async () => {
    const { compliance, store } = await setUp();

    await compliance.fleetRefreshed([]);

    expect(
      rules(store.findings.get('component:default/notifications-worker')!),
    ).toEqual(['prod naming.environment-spelling', 'staging tags.required']);
    expect(store.findings.get('component:default/inventory-service')).toEqual(
      [],
    );
    expect(store.evaluatedAt.get('component:default/inventory-service')).toBe(
      '2026-11-23T10:00:00.000Z',
    );
  });

  it("applies the service's own naming convention from its annotations", async () => {
    const { compliance } = await setUp({
      catalog: [
        facts('inventory-service', {
          namingOverrides: { 'lambda-function': '{project}-{env}-{component}' },
        }),
      ],
    });

    const found = await compliance.evaluate(
      facts('inventory-service', {
        namingOverrides: { 'lambda-function': '{project}-{env}-{component}' },
      }),
    );

    expect(rules(found)).toEqual([
      'dev naming.order',
      'prod naming.order',
      'staging naming.order',
    ]);
  });

  it('compares the Owner tag with the owner the catalog names', async () => {
    const { compliance } = await setUp();

    const found = await compliance.evaluate(
      facts('inventory-service', { owner: 'group:default/team-checkout' }),
    );

    expect(found.map(f => [f.environment, f.rule, f.expected])).toEqual(
      ENVIRONMENTS.map(e => [e.name, 'tags.owner', 'team-checkout']),
    );
  });

  it("reads the declared values from the service's repository when repository files are on", async () => {
    const repository = 'url:https://git.example.com/acme/inventory/tree/main/';
    const { compliance, read } = await setUp({
      declared: source =>
        source === repository
          ? {
              overrides: [
                {
                  environment: 'prod',
                  source:
                    'https://git.example.com/…/envs/prod/terraform.tfvars',
                  values: { timeout: 60 },
                },
              ],
              problems: [],
            }
          : { overrides: [], problems: [] },
    });

    const found = await compliance.evaluate(
      facts('inventory-service', { sourceLocation: repository }),
    );

    expect(read).toHaveBeenCalledWith(repository, ['dev', 'staging', 'prod']);
    expect(found).toEqual([
      expect.objectContaining({
        environment: 'prod',
        rule: 'config.declared',
        expected: '60 s',
        actual: '300 s',
      }),
    ]);
  });

  it('keeps when a finding was first seen while it persists', async () => {
    const { compliance, store, setNow } = await setUp();
    await compliance.evaluateFleet();

    setNow('2026-11-23T10:10:00Z');
    await compliance.evaluateFleet();
    const ref = 'component:default/notifications-worker';
    expect(store.findings.get(ref)!.map(f => f.since)).toEqual([
      '2026-11-23T10:00:00.000Z',
      '2026-11-23T10:00:00.000Z',
    ]);
  });

  it("forgets the services that left the catalog: the fleet's compliance no longer lists them", async () => {
    const { compliance, store } = await setUp();
    await compliance.evaluateFleet();
    await store.replaceFindings(
      'component:default/retired-service',
      [
        {
          kind: 'tags',
          severity: 'error',
          environment: 'prod',
          resource: 'arn:aws:lambda:…:shop-retired-service-prod',
          rule: 'tags.required',
          message: 'no Owner tag',
        },
      ],
      new Date('2026-11-20T00:00:00Z'),
    );

    expect(
      (await compliance.listSummaries()).map(summary => summary.entityRef),
    ).toContain('component:default/retired-service');

    await compliance.evaluateFleet();

    expect(
      (await compliance.listSummaries()).map(summary => summary.entityRef),
    ).not.toContain('component:default/retired-service');
    expect(
      await compliance.listFindings({
        entityRef: 'component:default/retired-service',
      }),
    ).toEqual([]);
  });

  it('goes on with the other services when one cannot be evaluated', async () => {
    const { compliance, store, getMatrix } = await setUp();
    getMatrix.mockImplementationOnce(async () => {
      throw new Error('database unavailable');
    });

    await compliance.evaluateFleet();

    expect(store.evaluatedAt.size).toBe(1);
  });

  it('does not evaluate a service that is no longer in the catalog after its refresh', async () => {
    const { compliance, store } = await setUp();

    await compliance.serviceRefreshed({
      entityRef: 'component:default/retired-service',
      project: 'shop',
      component: 'retired-service',
      explicitFunctionNames: {},
    });

    expect(store.evaluatedAt.size).toBe(0);
  });

  it('checks every stack of a service on demand, whatever the budget, and shows the drift', async () => {
    const { compliance, detectors } = await setUp();
    detectors.reports['shop-inventory-service-prod'] = driftedMemory(
      'shop-inventory-service-prod',
      '3008',
    );

    const [result, concurrent] = await Promise.all([
      compliance.checkDrift('component:default/inventory-service'),
      compliance.checkDrift('component:default/inventory-service'),
    ]);

    // Three stacks although the scheduled budget is two; the concurrent request shared the run.
    expect(detectors.detected).toEqual([
      'shop-inventory-service-dev',
      'shop-inventory-service-staging',
      'shop-inventory-service-prod',
    ]);
    expect(concurrent).toBe(result);
    expect(result.stacks.map(s => [s.environment, s.status])).toEqual([
      ['dev', 'checked'],
      ['staging', 'checked'],
      ['prod', 'checked'],
    ]);
    expect(result.items).toEqual([
      expect.objectContaining({
        environment: 'prod',
        kind: 'cloudformation-drift',
        actual: '3008',
      }),
    ]);
    expect(result.summary.total).toBe(1);
  });

  it('checks at most the budget on schedule and re-evaluates only the services checked', async () => {
    const { compliance, detectors, store } = await setUp();
    detectors.reports['shop-inventory-service-staging'] = driftedMemory(
      'shop-inventory-service-staging',
      '128',
    );

    await compliance.runScheduledDriftCheck();

    expect(detectors.detected).toEqual([
      'shop-inventory-service-dev',
      'shop-inventory-service-staging',
    ]);
    expect(
      rules(store.findings.get('component:default/inventory-service')!),
    ).toEqual(['staging cloudformation.resource-modified']);
    expect(
      store.evaluatedAt.has('component:default/notifications-worker'),
    ).toBe(false);

    // The next run goes on with the stacks never checked.
    await compliance.runScheduledDriftCheck();
    expect(detectors.detected.slice(2)).toEqual([
      'shop-inventory-service-prod',
      'shop-notifications-worker-dev',
    ]);
  });
});
