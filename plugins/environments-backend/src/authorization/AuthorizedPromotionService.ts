import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  PromotionRequest,
  PromotionState,
  promotionApprovePermission,
  promotionExecutePermission,
  promotionRequestPermission,
  promotionWindowOverridePermission,
} from '@internal/backstage-plugin-environments-common';
import {
  CreatePromotionInput,
  PromotionService,
} from '../promotion/PromotionService';
import { ActionAuthorizer, Actor, EntityPermission } from './permissions';
import { ServiceVisibility } from './ServiceVisibility';

/** Filter of {@link AuthorizedPromotionService.list}. */
export interface PromotionQuery {
  entityRef?: string;
  targetEnvironment?: string;
  statuses?: PromotionState[];
  /** Only requests the caller (a signed-in user) may approve now and has not approved yet. */
  awaitingMyApproval?: boolean;
  limit?: number;
}

const unknownPromotion = (id: string) => () =>
  new NotFoundError(`No promotion request with id '${id}'`);

/**
 * Promotion requests as a caller may see and act on them: the one place their permissions are checked
 * (as catalog-backend's AuthorizedEntitiesCatalog wraps the catalog). Every action answers in the same
 * order: 404 for a service or request whose catalog entity the caller may not read (the same answer as
 * for one that does not exist), then 403 for a caller that is not a signed-in user or lacks the action's
 * permission on the service. Four-eyes (nobody approves their own request, approvers are in the
 * environment's approver set) is the domain's, in {@link PromotionService}, whatever the policy says.
 */
export class AuthorizedPromotionService {
  constructor(
    private readonly options: {
      promotions: PromotionService;
      visibility: ServiceVisibility;
      authorizer: ActionAuthorizer;
    },
  ) {}

  /** Needs `environments.promotion.request`; the execute and window-override answers go to the domain's rules. */
  async request(
    input: CreatePromotionInput,
    credentials: BackstageCredentials,
  ): Promise<PromotionRequest> {
    const { visibility, authorizer, promotions } = this.options;
    await visibility.getVisibleEntity(input.entityRef, credentials);
    const actor = await authorizer.actor(
      credentials,
      'request promotions',
      input.entityRef,
      promotionRequestPermission,
      [promotionExecutePermission, promotionWindowOverridePermission],
    );
    return promotions.request(input, actor);
  }

  /** Needs `environments.promotion.approve`; whether the approver may execute is recorded with the approval. */
  async approve(
    id: string,
    input: { comment?: string },
    credentials: BackstageCredentials,
  ): Promise<PromotionRequest> {
    const actor = await this.actorOn(id, credentials, 'approve promotions', [
      promotionApprovePermission,
      promotionExecutePermission,
    ]);
    return this.options.promotions.approve(id, input, actor);
  }

  /** Needs `environments.promotion.approve`. */
  async reject(
    id: string,
    input: { comment?: string },
    credentials: BackstageCredentials,
  ): Promise<PromotionRequest> {
    const actor = await this.actorOn(id, credentials, 'reject promotions', [
      promotionApprovePermission,
    ]);
    return this.options.promotions.reject(id, input, actor);
  }

  /** Needs `environments.promotion.request` (the requester or an approver, says the domain). */
  async cancel(
    id: string,
    credentials: BackstageCredentials,
  ): Promise<PromotionRequest> {
    const actor = await this.actorOn(id, credentials, 'cancel promotions', [
      promotionRequestPermission,
    ]);
    return this.options.promotions.cancel(id, actor);
  }

  /** A request, when the caller may read its service's entity. */
  async get(
    id: string,
    credentials: BackstageCredentials,
  ): Promise<PromotionRequest> {
    return this.options.visibility.visibleRecord(
      credentials,
      await this.options.promotions.get(id),
      unknownPromotion(id),
    );
  }

  /** Requests about services the caller may see, newest first. */
  async list(
    query: PromotionQuery,
    credentials: BackstageCredentials,
  ): Promise<PromotionRequest[]> {
    const { awaitingMyApproval, limit, ...filter } = query;
    const awaitingApprovalBy = awaitingMyApproval
      ? this.options.authorizer.userRefOf(
          credentials,
          'list the requests awaiting their approval',
        )
      : undefined;
    return this.options.visibility.listVisible(credentials, limit, read =>
      this.options.promotions.list({
        ...filter,
        awaitingApprovalBy,
        limit: read,
      }),
    );
  }

  /** Whether promotions into each environment are closed now: the same for every caller. */
  windows() {
    return this.options.promotions.windows();
  }

  /**
   * The actor of an action on a request: 404 when the caller may not read its service, then 403 unless
   * they hold the first of `permissions` (the others are asked for the domain's rules).
   */
  private async actorOn(
    id: string,
    credentials: BackstageCredentials,
    action: string,
    [permission, ...alsoAsked]: EntityPermission[],
  ): Promise<Actor> {
    const { entityRef } = await this.options.visibility.visibleRecord(
      credentials,
      { entityRef: await this.options.promotions.entityRefOf(id) },
      unknownPromotion(id),
    );
    return this.options.authorizer.actor(
      credentials,
      action,
      entityRef,
      permission,
      alsoAsked,
    );
  }
}
