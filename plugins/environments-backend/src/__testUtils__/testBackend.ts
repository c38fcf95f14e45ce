import {
  createServiceFactory,
  SchedulerService,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { JsonObject } from '@backstage/types';
import request from 'supertest';
import { EnvironmentCollector, RefreshResult } from '../matrix/collector/types';
import {
  collected,
  promotionPath,
  refresh,
} from '../matrix/__testUtils__/demoFleet';
import {
  DriftDetectionUnsupportedError,
  StackDriftDetector,
  StackDriftDetectorSource,
  StackDriftReport,
} from '../compliance';
import { environmentsPlugin, REFRESH_TASK_ID } from '../plugin';
import { environmentCollectorServiceRef } from '../serviceRefs';

/** The demo's `environments` config section, without endpoints (nothing reaches AWS in these tests). */
export const DEMO_CONFIG = {
  environments: {
    definitions: [
      {
        name: 'dev',
        title: 'Development',
        longName: 'development',
        locations: [{ accountId: '111111111111', region: 'eu-west-1' }],
      },
      {
        name: 'staging',
        title: 'Staging',
        locations: [{ accountId: '222222222222', region: 'eu-west-1' }],
      },
      {
        name: 'prod',
        title: 'Production',
        longName: 'production',
        locations: [{ accountId: '333333333333', region: 'eu-west-1' }],
      },
    ],
  },
};

/** A catalog Component of the demo fleet. */
export function component(
  name: string,
  options?: { owner?: string; annotations?: Record<string, string> },
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: options?.annotations ?? {
        'environments.io/project': 'shop',
      },
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: options?.owner ?? 'team-platform',
      system: 'shop',
    },
  };
}

/**
 * A collector that reports, per component, the release each environment runs (what the demo fleet
 * runs, unless told otherwise), and records what it was asked to collect.
 */
export class FakeCollector implements EnvironmentCollector {
  readonly calls: string[][] = [];
  releases: Record<string, Record<string, string | null>> = {
    'checkout-api': { dev: '1.5.0', staging: '1.4.0', prod: '1.3.2' },
    'inventory-service': { dev: '2.1.0', staging: '2.1.0', prod: '2.1.0' },
    'payments-api': { dev: '3.0.0', staging: '3.0.0', prod: '3.0.0' },
  };

  async collect(
    options: Parameters<EnvironmentCollector['collect']>[0],
  ): Promise<RefreshResult> {
    this.calls.push(options.services.map(s => s.entityRef));
    return refresh(
      new Date().toISOString(),
      options.services.map(s => {
        const releases = this.releases[s.component] ?? {};
        // As the real collector does, each environment brings its published versions.
        return collected(s.component, releases, {
          published: promotionPath(releases),
        });
      }),
    );
  }
}

/** The features a test backend needs besides the plugin: config, catalog and collector. */
export function testFeatures(options: {
  entities: Entity[];
  collector: EnvironmentCollector;
}) {
  return [
    mockServices.rootConfig.factory({ data: DEMO_CONFIG }),
    catalogServiceMock.factory({ entities: options.entities }),
    createServiceFactory({
      service: environmentCollectorServiceRef,
      deps: {},
      factory: () => options.collector,
    }),
  ];
}

/**
 * DEMO_CONFIG with the demo's naming convention and required tags. The scheduled drift check is off:
 * tests that need it turn it on and trigger it themselves.
 */
export const COMPLIANCE_CONFIG = {
  environments: {
    ...DEMO_CONFIG.environments,
    compliance: {
      naming: {
        conventions: {
          lambdaFunction: '{project}-{component}-{env}',
          cloudFormationStack: '{project}-{component}-{env}',
        },
      },
      tags: { required: ['Project', 'Component', 'Environment', 'Owner'] },
      cloudFormationDrift: { stacksPerRun: 0 },
    },
  },
};

/**
 * A collector of a small fleet with the demo's problems: every function sits in a stack
 * `shop-<component>-<env>` and carries the required tags, except that notifications-worker's prod
 * function is named `shop-notifications-worker-production` (found by its tags) and its staging
 * function has no Owner tag. Tests change `tags` to fix or break a function's tags.
 */
export class ComplianceFleetCollector implements EnvironmentCollector {
  readonly calls: string[][] = [];
  /** Tags by function name, replacing the complete set the function would carry. */
  tags: Record<string, Record<string, string>> = {
    'shop-notifications-worker-staging': {
      Project: 'shop',
      Component: 'notifications-worker',
      Environment: 'staging',
    },
  };

  async collect(
    options: Parameters<EnvironmentCollector['collect']>[0],
  ): Promise<RefreshResult> {
    this.calls.push(options.services.map(s => s.entityRef));
    return refresh(
      new Date().toISOString(),
      options.services.map(service => {
        const found = collected(service.component, {
          dev: '1.0.0',
          staging: '1.0.0',
          prod: '1.0.0',
        });
        for (const state of found.environments) {
          state.functions = state.functions.map(fn => {
            const functionName =
              service.component === 'notifications-worker' &&
              state.environment === 'prod'
                ? 'shop-notifications-worker-production'
                : fn.functionName;
            const stackName = `shop-${service.component}-${state.environment}`;
            return {
              ...fn,
              functionName,
              functionArn: fn.functionArn.replace(
                fn.functionName,
                functionName,
              ),
              discoveredBy:
                functionName === fn.functionName ? fn.discoveredBy : 'tags',
              tags: this.tags[functionName] ?? {
                ...fn.tags,
                Owner: service.owner?.split('/').pop() ?? '',
              },
              stack: {
                stackName,
                stackId: `arn:aws:cloudformation:eu-west-1:${fn.accountId}:stack/${stackName}/1`,
                status: 'CREATE_COMPLETE',
              },
            };
          });
        }
        return found;
      }),
    );
  }
}

/** A stack whose Lambda function's memory was changed outside CloudFormation. */
export function driftedMemory(
  stackName: string,
  actual: string,
): StackDriftReport {
  return {
    stackName,
    stackDriftStatus: 'DRIFTED',
    checkedAt: '2026-11-23T09:30:00.000Z',
    resources: [
      {
        logicalResourceId: 'Function',
        physicalResourceId: stackName,
        resourceType: 'AWS::Lambda::Function',
        status: 'MODIFIED',
        differences: [
          {
            propertyPath: '/MemorySize',
            expectedValue: '1024',
            actualValue: actual,
            differenceType: 'NOT_EQUAL',
          },
        ],
      },
    ],
  };
}

/**
 * CloudFormation drift detection as tests need it: stacks are in sync unless `reports` says
 * otherwise, and the accounts in `unsupportedAccounts` have no drift detection (like the emulator).
 */
export class FakeDriftDetectors implements StackDriftDetectorSource {
  /** The stacks detection ran on, in order. */
  readonly detected: string[] = [];
  reports: Record<string, StackDriftReport> = {};
  unsupportedAccounts = new Set<string>();

  async forLocation(location: {
    accountId: string;
    region: string;
  }): Promise<StackDriftDetector> {
    return {
      detectDrift: async stackName => {
        if (this.unsupportedAccounts.has(location.accountId)) {
          throw new DriftDetectionUnsupportedError(
            'CloudFormation drift detection is not available here (DetectStackDrift: not implemented)',
          );
        }
        this.detected.push(stackName);
        return (
          this.reports[stackName] ?? {
            stackName,
            stackDriftStatus: 'IN_SYNC',
            checkedAt: '2026-11-23T09:30:00.000Z',
            resources: [],
          }
        );
      },
    };
  }
}

/**
 * The whole plugin with this config and catalog, as a backend would run it, after one scheduled
 * refresh of the fleet (the scheduler runs nothing on its own).
 */
export async function startRefreshedPlugin(options: {
  config: JsonObject;
  entities: Entity[];
}): Promise<{ server: Parameters<typeof request>[0]; stop(): Promise<void> }> {
  const scheduler = mockServices.scheduler() as SchedulerService & {
    factory(options?: {
      skipTaskRunOnStartup?: boolean;
    }): ServiceFactory<SchedulerService>;
    triggerTask(id: string): Promise<void>;
  };
  const backend = await startTestBackend({
    features: [
      environmentsPlugin,
      mockServices.rootConfig.factory({ data: options.config }),
      catalogServiceMock.factory({ entities: options.entities }),
      scheduler.factory({ skipTaskRunOnStartup: true }),
    ],
  });
  await scheduler.triggerTask(REFRESH_TASK_ID);
  return { server: backend.server, stop: () => backend.stop() };
}
