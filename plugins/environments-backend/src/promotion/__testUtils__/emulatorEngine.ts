import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Config, ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { JsonObject } from '@backstage/types';
import { Knex } from 'knex';
import { collectorFor, emulatorConfig } from '../../__testUtils__/emulator';
import { Promotions } from '..';
import { buildPromotions } from './buildPromotions';
import { AwsClientFactory } from '../../aws/AwsClientFactory';
import { DeployerSource } from '../../aws/types';
import { LambdaDeployer } from '../../aws/LambdaDeployer';
import { demoEntities } from './fakeLambda';
import { ENVIRONMENTS } from './harness';

/**
 * The demo's environments on the emulator: prod needs one approval, the others none; `promotion` is the
 * `environments.promotion` section (e.g. the smoke check's settings).
 */
export function promotionConfigOnEmulator(
  endpoint: string,
  promotion?: JsonObject,
): ConfigReader {
  return emulatorConfig(endpoint, {
    account: { writeRoleName: 'environments-promoter' },
    environments: {
      definitions: ENVIRONMENTS.map(env => ({
        name: env.name,
        locations: env.locations.map(location => ({ ...location })),
        promotion:
          env.name === 'prod'
            ? { requiresApproval: true, approvals: 1 }
            : { requiresApproval: false },
      })),
      ...(promotion ? { promotion } : {}),
    } as JsonObject,
  });
}

/** Real AWS access through the emulator, with each account's write role, as the plugin builds it. */
export function deployersOnEmulator(config: Config): AwsClientFactory {
  return AwsClientFactory.fromConfig(config);
}

const silent: LoggerService = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child: () => silent,
};

/**
 * Real AWS access through the emulator in which every write deployer's `method` goes through `around`,
 * given the real call and its arguments: e.g. to stop a backend instance right before or after it.
 */
export function deployersAround(
  endpoint: string,
  method: keyof LambdaDeployer,
  around: (call: () => Promise<unknown>, args: unknown[]) => Promise<unknown>,
): DeployerSource {
  const real = deployersOnEmulator(promotionConfigOnEmulator(endpoint));
  return {
    forRead: location => real.forRead(location),
    async forWrite(location, userRef) {
      const deployer = await real.forWrite(location, userRef);
      return new Proxy(deployer, {
        get(target, property, receiver) {
          const value = Reflect.get(target, property, receiver);
          if (property !== method || typeof value !== 'function') {
            return value;
          }
          return (...args: unknown[]) =>
            around(() => value.apply(target, args), args);
        },
      }) as LambdaDeployer;
    },
  };
}

/** A signed-in user of the demo, as the (authorized) promotion services take callers. */
export function demoActor(name: string): BackstageCredentials {
  return mockCredentials.user(`user:default/${name}`);
}

/**
 * Promotions as the backend builds them, against the emulator with real AWS access and allow-all
 * permissions, without Jest's mocks: also for a backend instance in a process of its own.
 */
export function promotionsOnEmulator(options: {
  endpoint: string;
  knex: Knex;
  instanceId: string;
  deployers?: DeployerSource;
  clock?: () => Date;
}): Promotions {
  const config = promotionConfigOnEmulator(options.endpoint);
  return buildPromotions({
    config,
    logger: silent,
    knex: options.knex,
    auth: mockServices.auth(),
    permissions: {
      authorize: async requests =>
        requests.map(() => ({ result: AuthorizeResult.ALLOW })),
      authorizeConditional: async requests =>
        requests.map(() => ({ result: AuthorizeResult.ALLOW })),
    },
    catalog: catalogServiceMock({ entities: demoEntities() }),
    collector: collectorFor(config).collector,
    deployers: options.deployers,
    instanceId: options.instanceId,
    clock: options.clock,
    leaseMs: 60_000,
    sourceCacheTtlMs: 0,
  });
}
