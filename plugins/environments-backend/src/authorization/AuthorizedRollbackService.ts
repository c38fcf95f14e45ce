import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  FunctionVersionSummary,
  RollbackRecord,
  rollbackPermission,
} from '@internal/backstage-plugin-environments-common';
import {
  CreateRollbackInput,
  RollbackService,
} from '../rollback/RollbackService';
import { ActionAuthorizer } from './permissions';
import { ServiceVisibility } from './ServiceVisibility';

/**
 * Rollbacks as a caller may see and make them: the one place their permission is checked. 404 for a
 * service or rollback whose catalog entity the caller may not read, then 403 for a caller that is not a
 * signed-in user or lacks `environments.rollback` on the service. Who may roll back an environment
 * (`rollback.allowedGroups`) is the domain's rule, in {@link RollbackService}.
 */
export class AuthorizedRollbackService {
  constructor(
    private readonly options: {
      rollbacks: RollbackService;
      visibility: ServiceVisibility;
      authorizer: ActionAuthorizer;
    },
  ) {}

  /** Needs `environments.rollback` on the service, also for a dry run. */
  async rollback(
    input: CreateRollbackInput,
    credentials: BackstageCredentials,
  ): Promise<RollbackRecord> {
    await this.options.visibility.getVisibleEntity(
      input.entityRef,
      credentials,
    );
    const actor = await this.options.authorizer.actor(
      credentials,
      'roll back',
      input.entityRef,
      rollbackPermission,
    );
    return this.options.rollbacks.rollback(input, actor);
  }

  /** A rollback, when the caller may read its service's entity. */
  async get(
    id: string,
    credentials: BackstageCredentials,
  ): Promise<RollbackRecord> {
    return this.options.visibility.visibleRecord(
      credentials,
      await this.options.rollbacks.get(id),
      () => new NotFoundError(`No rollback with id '${id}'`),
    );
  }

  /** Rollbacks of services the caller may see, newest first. */
  async list(
    query: { entityRef?: string; environment?: string; limit?: number },
    credentials: BackstageCredentials,
  ): Promise<RollbackRecord[]> {
    const { limit, ...filter } = query;
    return this.options.visibility.listVisible(credentials, limit, read =>
      this.options.rollbacks.list({ ...filter, limit: read }),
    );
  }

  /** The versions to roll back to, when the caller may read the service's entity. */
  async listVersions(
    entityRef: string,
    environment: string,
    credentials: BackstageCredentials,
  ): Promise<FunctionVersionSummary[]> {
    await this.options.visibility.getVisibleEntity(entityRef, credentials);
    return this.options.rollbacks.listVersions(entityRef, environment);
  }
}
