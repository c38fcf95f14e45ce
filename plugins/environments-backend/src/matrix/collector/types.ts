import {
  EnvironmentDefinition,
  FunctionResource,
  NamingResourceType,
  UnknownAnnotation,
} from '@internal/backstage-plugin-environments-common';
import { PublishedVersion } from '../../aws/types';

/** A catalog Component as the collector needs it: its ref and the annotations that map it to AWS. */
export interface ServiceDescriptor {
  entityRef: string;
  /** The project token (annotation `environments.io/project`). */
  project: string;
  /** The component token (annotation `environments.io/component`, default the entity name). */
  component: string;
  /** Explicit function names per environment name (annotations `environments.io/function.<env>`). */
  explicitFunctionNames: Record<string, string>;
  /** Naming patterns from the service's `environments.io/naming-convention*` annotations. */
  namingOverrides?: Partial<Record<NamingResourceType, string>>;
  /** Annotations that look meant for these plugins but are none they read (set when read for the API). */
  unknownAnnotations?: UnknownAnnotation[];
  title?: string;
  owner?: string;
  system?: string;
}

/** An account-region that could not be read in a refresh; its last known state is kept, marked stale. */
export interface FailedLocation {
  accountId: string;
  region: string;
  error: string;
}

/** What one refresh learnt about one service. */
export interface CollectedService {
  entityRef: string;
  environments: Array<{
    environment: string;
    /** False when any location of this environment failed: the store keeps the last known state, marked stale. */
    complete: boolean;
    functions: FunctionResource[];
    /**
     * The primary function's published versions, oldest first: what ran in the environment, dated by
     * its own account's clock. Empty when no function was found; absent when not read in full.
     */
    versions?: PublishedVersion[];
  }>;
}

/** The result of one refresh (whole fleet or one service). */
export interface RefreshResult {
  startedAt: string;
  finishedAt: string;
  services: CollectedService[];
  failedLocations: FailedLocation[];
}

/** Collects what runs in every environment from AWS. */
export interface EnvironmentCollector {
  collect(options: {
    environments: EnvironmentDefinition[];
    services: ServiceDescriptor[];
    signal?: AbortSignal;
  }): Promise<RefreshResult>;
}
