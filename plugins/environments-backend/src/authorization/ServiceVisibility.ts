import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { entityNotFound } from '../catalog/entityRefs';
import { FLEET_ENTITY_FILTER } from '../catalog/ServiceCatalog';

/** Every service, or only these entity refs. */
export type VisibleServices = 'all' | ReadonlySet<string>;

/** A list's length unless the request says otherwise, and the most it may ask for. */
export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 500;

/**
 * Which services a caller may see: those whose catalog entity they may read (`catalog.entity.read`),
 * so that nobody learns from Environments what the catalog hides from them. Routes about one service
 * read its entity with the caller's credentials; routes that list several services, or show a record
 * found by id, ask this.
 */
export class ServiceVisibility {
  private readonly permissions: PermissionsService;
  private readonly catalog: CatalogService;

  constructor(options: {
    permissions: PermissionsService;
    catalog: CatalogService;
  }) {
    this.permissions = options.permissions;
    this.catalog = options.catalog;
  }

  /**
   * `'all'` when the policy lets the caller read every entity (the common case: nothing to filter and
   * nothing more to ask), none when it denies, and otherwise the fleet's Components the catalog returns
   * to the caller, since the catalog applies the policy's conditions to what it lists.
   */
  async visibleServices(
    credentials: BackstageCredentials,
  ): Promise<VisibleServices> {
    const [decision] = await this.permissions.authorizeConditional(
      [{ permission: catalogEntityReadPermission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.ALLOW) {
      return 'all';
    }
    if (decision.result === AuthorizeResult.DENY) {
      return new Set();
    }
    const { items } = await this.catalog.getEntities(
      {
        filter: FLEET_ENTITY_FILTER,
        fields: ['kind', 'metadata.namespace', 'metadata.name'],
      },
      { credentials },
    );
    return new Set(items.map(entity => stringifyEntityRef(entity)));
  }

  /** Whether the caller may read the service's catalog entity (`catalog.entity.read`). */
  async isVisible(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<boolean> {
    const [decision] = await this.permissions.authorize(
      [{ permission: catalogEntityReadPermission, resourceRef: entityRef }],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  }

  /** Throws NotFoundError, as the catalog answers, when the caller may not read the service's entity. */
  async assertVisible(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<void> {
    if (!(await this.isVisible(entityRef, credentials))) {
      throw entityNotFound(entityRef);
    }
  }

  /**
   * A list of records about services, of those the caller may see: the first `limit` of them (default
   * 100), read with `read(limit)`, which is asked for more when the caller sees only some services.
   */
  async listVisible<T extends { entityRef: string }>(
    credentials: BackstageCredentials,
    limit: number | undefined,
    read: (limit: number) => Promise<T[]>,
  ): Promise<T[]> {
    const visible = await this.visibleServices(credentials);
    return firstVisible(await read(listLimit(limit, visible)), visible, limit);
  }

  /** The record, or `notFound` (404) when the caller may not read its service's entity. */
  async visibleRecord<T extends { entityRef: string }>(
    credentials: BackstageCredentials,
    record: T,
    notFound: () => Error,
  ): Promise<T> {
    if (!(await this.isVisible(record.entityRef, credentials))) {
      throw notFound();
    }
    return record;
  }

  /**
   * The entity, read as the caller. The same NotFoundError whether it does not exist or the caller may
   * not read it, so that nobody learns from Environments that a hidden entity exists.
   */
  async getVisibleEntity(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    await this.assertVisible(entityRef, credentials);
    const entity = await this.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity) {
      throw entityNotFound(entityRef);
    }
    return entity;
  }
}

/** The items about services the caller may see. */
export function onlyVisible<T extends { entityRef: string }>(
  items: T[],
  visible: VisibleServices,
): T[] {
  return visible === 'all'
    ? items
    : items.filter(item => visible.has(item.entityRef));
}

/**
 * How many records to read for a list: the limit asked for, or, when the caller sees only some
 * services, as many as a list may hold, so that the limit counts visible records (see firstVisible).
 */
export function listLimit(
  limit: number | undefined,
  visible: VisibleServices,
): number {
  return visible === 'all' ? limit ?? DEFAULT_LIST_LIMIT : MAX_LIST_LIMIT;
}

/** The first `limit` records about services the caller may see. */
export function firstVisible<T extends { entityRef: string }>(
  items: T[],
  visible: VisibleServices,
  limit: number | undefined,
): T[] {
  return onlyVisible(items, visible).slice(0, limit ?? DEFAULT_LIST_LIMIT);
}
