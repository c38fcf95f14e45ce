import { LoggerService } from '@backstage/backend-plugin-api';
import {
  EnvironmentDefinition,
  EnvironmentMatrix,
} from '@internal/backstage-plugin-environments-common';
import { EnvironmentCollector, ServiceDescriptor } from './collector/types';
import { MatrixStore } from './MatrixStore';

/** The services of the fleet; a ServiceCatalog in the plugin. */
export interface ServiceSource {
  listServices(): Promise<ServiceDescriptor[]>;
}

/**
 * Told after each saved refresh, e.g. to evaluate compliance on the new state. Its failures are
 * logged: the refresh itself succeeded.
 */
export interface RefreshListener {
  fleetRefreshed(
    services: ServiceDescriptor[],
    signal?: AbortSignal,
  ): Promise<void>;
  serviceRefreshed(service: ServiceDescriptor): Promise<void>;
}

/** Collects the fleet (or one service) from AWS and saves what was found. */
export class RefreshService {
  private readonly services: ServiceSource;
  private readonly collector: EnvironmentCollector;
  private readonly store: MatrixStore;
  private readonly environments: EnvironmentDefinition[];
  private readonly logger: LoggerService;
  private readonly listener?: RefreshListener;
  private readonly inFlight = new Map<string, Promise<EnvironmentMatrix>>();
  /** A full refresh of this instance is running: it collects new services too. */
  private refreshingFleet = false;

  constructor(options: {
    services: ServiceSource;
    collector: EnvironmentCollector;
    store: MatrixStore;
    environments: EnvironmentDefinition[];
    logger: LoggerService;
    listener?: RefreshListener;
  }) {
    this.services = options.services;
    this.collector = options.collector;
    this.store = options.store;
    this.environments = options.environments;
    this.logger = options.logger;
    this.listener = options.listener;
  }

  /** Lists the services from the catalog, collects them all and replaces the stored fleet. */
  async refreshFleet(signal?: AbortSignal): Promise<void> {
    this.refreshingFleet = true;
    try {
      await this.collectFleet(signal);
    } finally {
      this.refreshingFleet = false;
    }
  }

  private async collectFleet(signal?: AbortSignal): Promise<void> {
    const services = await this.services.listServices();
    const result = await this.collector.collect({
      environments: this.environments,
      services,
      signal,
    });
    signal?.throwIfAborted();
    await this.store.saveRefresh(result, services, { replaceFleet: true });

    const seconds =
      (Date.parse(result.finishedAt) - Date.parse(result.startedAt)) / 1000;
    const failed = result.failedLocations.map(
      l => `${l.accountId}/${l.region} (${l.error})`,
    );
    this.logger.info(
      `Refreshed ${services.length} services in ${seconds.toFixed(1)} s${
        failed.length ? `; could not read ${failed.join(', ')}` : ''
      }`,
    );
    if (this.listener) {
      try {
        await this.listener.fleetRefreshed(services, signal);
      } catch (error) {
        signal?.throwIfAborted();
        this.logger.error(
          `Could not evaluate the fleet after the refresh: ${
            (error as Error).message
          }`,
        );
      }
    }
  }

  /**
   * Collects the services the catalog lists but the store has never seen: a Component registered
   * since the last full refresh, or every service when the catalog was still loading at start-up. They
   * show within a run of this task instead of after the next full refresh. Returns how many it found;
   * none while this instance runs a full refresh, which collects them anyway.
   */
  async refreshNewServices(signal?: AbortSignal): Promise<number> {
    if (this.refreshingFleet) {
      return 0;
    }
    const [services, known] = await Promise.all([
      this.services.listServices(),
      this.store.listServiceRefs(),
    ]);
    const stored = new Set(known);
    const added = services.filter(s => !stored.has(s.entityRef));
    if (added.length === 0) {
      return 0;
    }
    const result = await this.collector.collect({
      environments: this.environments,
      services: added,
      signal,
    });
    signal?.throwIfAborted();
    await this.store.saveRefresh(result, added);
    this.logger.info(
      `Collected ${added.length} new services: ${added
        .slice(0, 5)
        .map(s => s.entityRef)
        .join(', ')}${added.length > 5 ? ', …' : ''}`,
    );
    for (const service of added) {
      await this.notifyServiceRefreshed(service);
    }
    return added.length;
  }

  /**
   * Collects one service now and returns its matrix. Concurrent requests for the same service
   * share one collection, so repeated clicks do not spend the AWS quotas again.
   */
  async refreshService(service: ServiceDescriptor): Promise<EnvironmentMatrix> {
    const running = this.inFlight.get(service.entityRef);
    if (running) {
      return running;
    }
    const refresh = (async () => {
      const result = await this.collector.collect({
        environments: this.environments,
        services: [service],
      });
      await this.store.saveRefresh(result, [service]);
      await this.notifyServiceRefreshed(service);
      return this.store.getMatrix(service.entityRef);
    })();
    this.inFlight.set(service.entityRef, refresh);
    try {
      return await refresh;
    } finally {
      this.inFlight.delete(service.entityRef);
    }
  }

  private async notifyServiceRefreshed(
    service: ServiceDescriptor,
  ): Promise<void> {
    try {
      await this.listener?.serviceRefreshed(service);
    } catch (error) {
      this.logger.error(
        `Could not evaluate ${service.entityRef} after the refresh: ${
          (error as Error).message
        }`,
      );
    }
  }
}
