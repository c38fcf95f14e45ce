import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import {
  CompoundEntityRef,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  COMPONENT_ANNOTATION,
  EnvironmentDefinition,
  FUNCTION_NAME_ANNOTATION_PREFIX,
  PROJECT_ANNOTATION,
  findUnknownAnnotations,
} from '@internal/backstage-plugin-environments-common';
import { namingConventionOverrides } from '@internal/backstage-plugin-environments-node';
import { ServiceDescriptor } from '../matrix/collector/types';
import { entityNotFound, specRef } from './entityRefs';
import { ServiceFacts } from '../compliance';

/** Where the catalog says a Component's repository is; declared values are read from it. */
export const SOURCE_LOCATION_ANNOTATION = 'backstage.io/source-location';

/**
 * What the compliance rules need of a Component beyond its descriptor: owner and naming overrides
 * (ServiceFacts), and where its repository is.
 */
export interface ComplianceFacts extends ServiceFacts {
  /** The `backstage.io/source-location` annotation, e.g. `url:https://github.com/acme/shop/tree/main/`. */
  sourceLocation?: string;
}

// Only what a ServiceDescriptor needs: keeps the fleet listing small for large catalogs.
const FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.annotations',
  'spec.owner',
  'spec.system',
];

/** The catalog filter of the fleet's services: Components with the project annotation. */
export const FLEET_ENTITY_FILTER = {
  kind: 'component',
  [`metadata.annotations.${PROJECT_ANNOTATION}`]: CATALOG_FILTER_EXISTS,
};

/** Reads the services of the fleet from the catalog: Components with the project annotation. */
export class ServiceCatalog {
  private readonly catalog: CatalogService;
  private readonly auth: AuthService;
  private readonly environments: EnvironmentDefinition[];

  constructor(options: {
    catalog: CatalogService;
    auth: AuthService;
    /** The configured environments: per-environment annotations name one of them. */
    environments?: EnvironmentDefinition[];
  }) {
    this.catalog = options.catalog;
    this.auth = options.auth;
    this.environments = options.environments ?? [];
  }

  /** Every service of the fleet, read with the plugin's own credentials. */
  async listServices(): Promise<ServiceDescriptor[]> {
    return (await this.listFleetEntities()).map(toServiceDescriptor);
  }

  /** What compliance needs of every service of the fleet, read with the plugin's own credentials. */
  async listServiceFacts(): Promise<ComplianceFacts[]> {
    return (await this.listFleetEntities()).map(toComplianceFacts);
  }

  /**
   * What compliance needs of one service, read with the plugin's own credentials (evaluation runs in
   * the background). Undefined when it is no longer a service of the fleet.
   */
  async getServiceFacts(
    entityRef: string,
  ): Promise<ComplianceFacts | undefined> {
    const entity = await this.catalog.getEntityByRef(entityRef, {
      credentials: await this.auth.getOwnServiceCredentials(),
    });
    return entity &&
      entity.kind.toLocaleLowerCase('en-US') === 'component' &&
      hasProject(entity)
      ? toComplianceFacts(entity)
      : undefined;
  }

  private async listFleetEntities(): Promise<Entity[]> {
    const { items } = await this.catalog.getEntities(
      { filter: FLEET_ENTITY_FILTER, fields: FIELDS },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    return items.filter(hasProject);
  }

  /**
   * One service, read with the caller's credentials so that they only see what the catalog
   * shows them, with the annotations that look meant for these plugins but are none they read.
   * Throws NotFoundError when the entity is unknown, not a Component, or has no project annotation
   * (naming the misspelt key that is likely meant as it).
   */
  async getService(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<ServiceDescriptor> {
    const entity = await this.catalog.getEntityByRef(ref, { credentials });
    const entityRef = stringifyEntityRef(ref);
    if (!entity) {
      throw entityNotFound(entityRef);
    }
    if (entity.kind.toLocaleLowerCase('en-US') !== 'component') {
      throw new NotFoundError(
        `${entityRef} is a ${entity.kind}: only Components have environments`,
      );
    }
    const unknownAnnotations = findUnknownAnnotations(
      entity.metadata.annotations,
      this.environments,
    );
    if (!hasProject(entity)) {
      const misspelt = unknownAnnotations.find(
        unknown => unknown.likelyMeant === PROJECT_ANNOTATION,
      );
      throw new NotFoundError(
        `${entityRef} has no ${PROJECT_ANNOTATION} annotation${
          misspelt
            ? ` (it has ${misspelt.annotation}, which is likely meant as ${PROJECT_ANNOTATION})`
            : ''
        }: add it to the entity to show its environments (see docs/annotations.md)`,
      );
    }
    return {
      ...toServiceDescriptor(entity),
      ...(unknownAnnotations.length > 0 ? { unknownAnnotations } : {}),
    };
  }
}

function hasProject(entity: Entity): boolean {
  return Boolean(entity.metadata.annotations?.[PROJECT_ANNOTATION]?.trim());
}

/** What the collector and the store need of a Component. */
export function toServiceDescriptor(entity: Entity): ServiceDescriptor {
  const annotations = entity.metadata.annotations ?? {};
  const explicitFunctionNames: Record<string, string> = {};
  for (const [key, value] of Object.entries(annotations)) {
    if (key.startsWith(FUNCTION_NAME_ANNOTATION_PREFIX) && value.trim()) {
      explicitFunctionNames[key.slice(FUNCTION_NAME_ANNOTATION_PREFIX.length)] =
        value.trim();
    }
  }
  const namingOverrides = namingConventionOverrides(annotations);
  return {
    entityRef: stringifyEntityRef(entity),
    project: annotations[PROJECT_ANNOTATION].trim(),
    component:
      annotations[COMPONENT_ANNOTATION]?.trim() || entity.metadata.name,
    explicitFunctionNames,
    ...(Object.keys(namingOverrides).length > 0 ? { namingOverrides } : {}),
    title: entity.metadata.title,
    owner: specRef(entity, 'owner', 'group'),
    system: specRef(entity, 'system', 'system'),
  };
}

/** What the compliance rules compare a Component's resources with. */
export function toComplianceFacts(entity: Entity): ComplianceFacts {
  const { entityRef, project, component, owner, namingOverrides } =
    toServiceDescriptor(entity);
  const annotations = entity.metadata.annotations ?? {};
  const sourceLocation = annotations[SOURCE_LOCATION_ANNOTATION]?.trim();
  return {
    entityRef,
    project,
    component,
    ...(owner ? { owner } : {}),
    ...(namingOverrides ? { namingOverrides } : {}),
    ...(sourceLocation ? { sourceLocation } : {}),
  };
}
