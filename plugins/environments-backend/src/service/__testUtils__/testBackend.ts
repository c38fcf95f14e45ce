import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { EnvironmentCollector, RefreshResult } from '../../collector/types';
import { collected, refresh } from '../../database/__testUtils__/demoFleet';
import { environmentCollectorServiceRef } from '../environmentCollectorServiceRef';

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
      options.services.map(s =>
        collected(s.component, this.releases[s.component] ?? {}),
      ),
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
