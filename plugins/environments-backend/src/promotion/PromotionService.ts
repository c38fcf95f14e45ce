import { stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  FunctionResource,
  PromotionRequest,
  PromotionState,
  PromotionWindowState,
  shortDigest,
} from '@internal/backstage-plugin-environments-common';
import { Actor } from '../authorization/permissions';
import { describePromotion, validApprovals } from './lifecycle';
import {
  CreatePromotionInput,
  newPromotion,
  promotableFunctions,
  requestRoute,
  requiredGrants,
  targetImageUri,
} from './newRequest';
import { PromotionApprovals } from './PromotionApprovals';
import {
  PromotionContext,
  promotionContext,
  PromotionServiceOptions,
} from './promotionContext';
import { StoredPromotion } from './PromotionStore';
import { PromotionTransitions } from './PromotionTransitions';
import { PromotionViews } from './PromotionViews';
import { aliasOwnership } from './stackOwnedAlias';
import { evaluateWindows } from './windows';

export type { CreatePromotionInput } from './newRequest';
export type { PromotionServiceOptions } from './promotionContext';

/** Filter of {@link PromotionService.list}. */
export interface PromotionListFilter {
  entityRef?: string;
  /** Only requests into this environment; an unknown name is an InputError. */
  targetEnvironment?: string;
  statuses?: PromotionState[];
  /** Only requests this user may approve now and has not approved yet. */
  awaitingApprovalBy?: string;
  limit?: number;
}

/**
 * Promotion requests: made, approved, rejected, cancelled and expired here, executed by the
 * {@link PromotionExecutor}. Its parts: the checks of a new request (newRequest.ts), the decisions and
 * four-eyes (PromotionApprovals), the other status changes (PromotionTransitions), and the requests as
 * the API shows them (PromotionViews). Permissions are checked before it, by the authorization layer.
 */
export class PromotionService {
  private readonly context: PromotionContext;
  private readonly transitions: PromotionTransitions;
  private readonly approvals: PromotionApprovals;
  private readonly views: PromotionViews;

  constructor(options: PromotionServiceOptions) {
    this.context = promotionContext(options);
    this.transitions = new PromotionTransitions(this.context);
    this.approvals = new PromotionApprovals(this.context, this.transitions);
    this.views = new PromotionViews(this.context);
  }

  /** Makes a request, recorded before anything else; executes it at once when the target needs no approval. */
  async request(
    input: CreatePromotionInput,
    actor: Actor,
  ): Promise<PromotionRequest> {
    const now = this.context.now();
    const entity = await this.context.getEntity(input.entityRef);
    const entityRef = stringifyEntityRef(entity);
    const route = requestRoute(this.context.config, input);
    await this.assertNoneOpen(entityRef, input.targetEnvironment);
    const window = evaluateWindows(route.policy.windows, now);
    const windowOverride = requiredGrants({
      input,
      policy: route.policy,
      window,
      actor,
      entityRef,
      now,
    });
    const gateWarnings =
      (await this.context.gate?.check(entityRef, input.targetEnvironment)) ??
      [];
    const located = await this.context.locator.locate(entity, [
      route.source,
      input.targetEnvironment,
    ]);
    const functions = promotableFunctions({
      entityRef,
      source: route.source,
      target: input.targetEnvironment,
      seenDigest: input.digest,
      from: located[route.source],
      to: located[input.targetEnvironment],
    });
    const { from, to } = functions;
    const imageUri = targetImageUri(from.imageUri, from.digest, to);
    const warnings = [...this.aliasWarnings(to), ...gateWarnings];
    const promotion = newPromotion({
      entity,
      entityRef,
      input,
      route,
      functions,
      imageUri,
      actor,
      now,
      windowOverride,
      warnings,
    });
    await this.context.store.insertPromotion(promotion);
    await this.recordRequested(promotion, actor, window.reason);
    if (!route.policy.requiresApproval) {
      await this.transitions.markApproved(
        promotion,
        actor.userRef,
        `${input.targetEnvironment} needs no approval`,
      );
    } else {
      await this.notifyApprovers(promotion, actor);
    }
    return this.get(promotion.id);
  }

  /**
   * Approves a request; the approval that completes it starts the execution. Whether it completes is
   * decided by the store in one transaction, so approvals made at the same instant are each counted
   * once and exactly one of them completes the request.
   */
  async approve(
    id: string,
    input: { comment?: string },
    actor: Actor,
  ): Promise<PromotionRequest> {
    await this.approvals.approve(id, input, actor);
    return this.get(id);
  }

  /** Rejects a request (requested, or approved and waiting for its window). */
  async reject(
    id: string,
    input: { comment?: string },
    actor: Actor,
  ): Promise<PromotionRequest> {
    await this.approvals.reject(id, input, actor);
    return this.get(id);
  }

  /** Cancels a request: by its requester or by one of its approvers. */
  async cancel(id: string, actor: Actor): Promise<PromotionRequest> {
    await this.approvals.cancel(id, actor);
    return this.get(id);
  }

  /** Whether promotions into each environment are closed now, why and until when, in promotion order. */
  windows(): Array<PromotionWindowState & { environment: string }> {
    const now = this.context.now();
    return [...this.context.config.policies.values()].map(policy => ({
      environment: policy.environment,
      ...evaluateWindows(policy.windows, now),
    }));
  }

  /** A request with its approvals, steps, history and policy summary; expires it first when due. */
  async get(id: string): Promise<PromotionRequest> {
    let promotion = await this.context.store.getPromotion(id);
    if (!promotion) {
      throw new NotFoundError(`No promotion request with id '${id}'`);
    }
    promotion = await this.transitions.expireIfDue(promotion);
    return this.views.view(promotion, true);
  }

  /** The entity ref a request is about, for permission checks; NotFoundError when unknown. */
  async entityRefOf(id: string): Promise<string> {
    const promotion = await this.context.store.getPromotion(id);
    if (!promotion) {
      throw new NotFoundError(`No promotion request with id '${id}'`);
    }
    return promotion.entityRef;
  }

  /** Requests, newest first. `sourceMovedOn` is computed for open requests only. */
  async list(filter: PromotionListFilter): Promise<PromotionRequest[]> {
    const { policies } = this.context.config;
    if (filter.targetEnvironment && !policies.has(filter.targetEnvironment)) {
      throw new InputError(
        `targetEnvironment: no environment named '${
          filter.targetEnvironment
        }'; the environments are ${[...policies.keys()].join(', ')}`,
      );
    }
    let promotions = await this.context.store.listPromotions({
      entityRef: filter.entityRef,
      targetEnvironment: filter.targetEnvironment,
      statuses: filter.awaitingApprovalBy ? ['requested'] : filter.statuses,
      limit: filter.awaitingApprovalBy ? undefined : filter.limit ?? 100,
    });
    promotions = await Promise.all(
      promotions.map(p => this.transitions.expireIfDue(p)),
    );
    if (filter.statuses) {
      promotions = promotions.filter(p => filter.statuses!.includes(p.status));
    }
    if (filter.awaitingApprovalBy) {
      const userRef = filter.awaitingApprovalBy;
      const identities = await this.context.approvers.identitiesOf(userRef);
      const now = this.context.now();
      const awaiting: StoredPromotion[] = [];
      for (const promotion of promotions) {
        if (
          promotion.status === 'requested' &&
          promotion.policy.requiresApproval &&
          promotion.requestedBy !== userRef &&
          promotion.policy.approvers.some(ref => identities.has(ref)) &&
          !validApprovals(
            await this.context.store.listApprovals(promotion.id),
            now,
          ).some(a => a.approver === userRef)
        ) {
          awaiting.push(promotion);
        }
      }
      promotions = awaiting.slice(0, filter.limit ?? 100);
    }
    return Promise.all(
      promotions.map(p =>
        this.views.view(p, p.status === 'requested' || p.status === 'approved'),
      ),
    );
  }

  /** Expires requested and approved requests past their TTL. */
  async expireDue(): Promise<void> {
    for (const promotion of await this.context.store.listExpiredOpen(
      this.context.now().toISOString(),
    )) {
      await this.transitions.expireIfDue(promotion);
    }
  }

  /**
   * The periodic sweep: expires what is due, completes requests that hold enough approvals, settles
   * executions whose instance stopped, and starts approved requests (e.g. whose window opened). Safe to
   * run on every instance at once.
   */
  async sweep(): Promise<void> {
    await this.expireDue();
    await this.transitions.completeFullyApproved();
    await this.context.executor.recoverInterrupted();
    await this.context.executor.startWaiting();
  }

  private async assertNoneOpen(
    entityRef: string,
    targetEnvironment: string,
  ): Promise<void> {
    const open = await this.context.store.listPromotions({
      entityRef,
      targetEnvironment,
      statuses: ['requested', 'approved', 'running'],
    });
    if (open.length > 0) {
      throw new ConflictError(
        `Promotion ${open[0].id} of ${entityRef} into ${targetEnvironment} is already ${open[0].status}: ` +
          'cancel it or wait for it to finish',
      );
    }
  }

  /** Records the request and, when it was made in a closed window, the override. */
  private async recordRequested(
    promotion: StoredPromotion,
    actor: Actor,
    windowReason: string | undefined,
  ): Promise<void> {
    const { activity } = this.context;
    const subject = { type: 'promotion' as const, id: promotion.id };
    const at = promotion.requestedAt;
    await activity.record({
      subject,
      entityRef: promotion.entityRef,
      event: 'requested',
      actor: actor.userRef,
      at,
      detail: `${describePromotion(promotion)} (${promotion.imageUri})${
        promotion.comment ? `: ${promotion.comment}` : ''
      }`,
      meta: {
        digest: promotion.digest,
        targetEnvironment: promotion.targetEnvironment,
      },
    });
    if (promotion.windowOverride) {
      await activity.record({
        subject,
        entityRef: promotion.entityRef,
        event: 'window-override',
        actor: actor.userRef,
        at,
        detail: `Requested while promotions into ${promotion.targetEnvironment} are closed: ${windowReason}`,
        severity: 'high',
      });
    }
  }

  private async notifyApprovers(
    promotion: StoredPromotion,
    actor: Actor,
  ): Promise<void> {
    const { comment, policy } = promotion;
    await this.context.activity.notify({
      recipients: policy.approvers,
      exclude: actor.userRef,
      title: `Promotion awaiting approval: ${describePromotion(promotion)}`,
      description:
        `${actor.userRef} asks to promote ${shortDigest(
          promotion.digest,
        )} into ${promotion.targetEnvironment}` +
        `${comment ? `: ${comment}` : ''}. ${
          policy.approvals
        } approval(s) needed.`,
      link: this.context.link(promotion.id),
      scope: `promotion:${promotion.id}`,
      topic: 'environments-promotion',
    });
  }

  /** Says before acting when a CloudFormation stack owns the alias: the switch then drifts from it. */
  private aliasWarnings(target: FunctionResource): string[] {
    const { warnings } = aliasOwnership(
      target,
      'switching it here creates drift that the next stack deploy undoes unless the stack is updated to the same version',
    );
    return warnings;
  }
}
