import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import {
  EnvironmentDefinition,
  FunctionResource,
  PROJECT_ANNOTATION,
  primaryFunction,
} from '@internal/backstage-plugin-environments-common';
import { EnvironmentCollector, ServiceDescriptor } from './collector/types';
import { toServiceDescriptor } from '../catalog/ServiceCatalog';

/** Finds the function that stands for a service in each environment, as AWS says now. */
export interface FunctionLocator {
  /**
   * The primary function of the service in each of `environments` (undefined where none was found).
   * Throws when an environment could not be read: a promotion must not act on a partial picture.
   */
  locate(
    entity: Entity,
    environments: string[],
  ): Promise<Record<string, FunctionResource | undefined>>;
}

/** The collector's view of a catalog entity; throws InputError naming the missing annotation. */
export function describeService(entity: Entity): ServiceDescriptor {
  if (!entity.metadata.annotations?.[PROJECT_ANNOTATION]?.trim()) {
    throw new InputError(
      `${stringifyEntityRef(
        entity,
      )} has no ${PROJECT_ANNOTATION} annotation: the Environments plugins do not handle it`,
    );
  }
  return toServiceDescriptor(entity);
}

/**
 * Locates functions with the collector, fresh from AWS (read role): a promotion fixes the digest it
 * moves and checks the target from what runs now, not from the last background refresh.
 */
export class CollectorFunctionLocator implements FunctionLocator {
  constructor(
    private readonly options: {
      collector: EnvironmentCollector;
      environments: EnvironmentDefinition[];
    },
  ) {}

  async locate(
    entity: Entity,
    environments: string[],
  ): Promise<Record<string, FunctionResource | undefined>> {
    const definitions = this.options.environments.filter(env =>
      environments.includes(env.name),
    );
    const service = describeService(entity);
    const result = await this.options.collector.collect({
      environments: definitions,
      services: [service],
    });
    const collected = result.services.find(
      s => s.entityRef === service.entityRef,
    );
    const located: Record<string, FunctionResource | undefined> = {};
    for (const definition of definitions) {
      const environment = collected?.environments.find(
        e => e.environment === definition.name,
      );
      if (!environment?.complete) {
        const failures = result.failedLocations
          .filter(failed =>
            definition.locations.some(
              l =>
                l.accountId === failed.accountId && l.region === failed.region,
            ),
          )
          .map(
            failed => `${failed.accountId}/${failed.region}: ${failed.error}`,
          );
        throw new ServiceUnavailableError(
          `Could not read ${definition.name} from AWS${
            failures.length ? ` (${failures.join('; ')})` : ''
          }`,
        );
      }
      located[definition.name] = primaryFunction(environment);
    }
    return located;
  }
}
