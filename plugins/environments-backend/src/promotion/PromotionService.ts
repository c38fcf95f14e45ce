import { randomUUID } from 'crypto';
import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  FunctionResource,
  PromotionApproval,
  PromotionPolicySummary,
  PromotionRequest,
  PromotionState,
  PromotionWindowState,
  promotionExecutePermission,
  promotionWindowOverridePermission,
  shortDigest,
  smokeUrlAnnotation,
} from '@internal/backstage-plugin-environments-common';
import { getCatalogEntity } from '../catalog/entityRefs';
import { ApproverDirectory, ownerRefs } from '../catalog/Approvers';
import { PromotionConfig, PromotionPolicy } from './config';
import { DeployerSource } from '../aws/types';
import { FunctionLocator } from '../matrix/FunctionLocator';
import {
  defaultPromotionLink,
  describePromotion,
  formatDuration,
  validApprovals,
} from './lifecycle';
import {
  Actor,
  permissionDenied,
  requireHeld,
} from '../authorization/permissions';
import { PromotionActivity } from './PromotionActivity';
import { PromotionExecutor } from './PromotionExecutor';
import {
  PromotionStore,
  StoredApproval,
  StoredPromotion,
} from './PromotionStore';
import { aliasOwnership } from './stackOwnedAlias';
import { evaluateWindows } from './windows';

/** The body of `POST /promotions`. */
export interface CreatePromotionInput {
  entityRef: string;
  targetEnvironment: string;
  /** Default: the environment before the target; another one only where the target's policy allows skipping. */
  sourceEnvironment?: string;
  comment?: string;
  /** Request although the target's window is closed; needs the window-override permission, and is recorded. */
  overrideWindow?: boolean;
  /** The digest the user saw in the source environment; refused (409) when the source runs another one now. */
  digest?: string;
}

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

/** Options of {@link PromotionService}. */
export interface PromotionServiceOptions {
  store: PromotionStore;
  executor: PromotionExecutor;
  activity: PromotionActivity;
  catalog: CatalogService;
  auth: AuthService;
  approvers: ApproverDirectory;
  locator: FunctionLocator;
  deployers: DeployerSource;
  config: PromotionConfig;
  logger: LoggerService;
  clock?: () => Date;
  promotionLink?: (id: string) => string;
  /** How long what the source environment runs is remembered for `sourceMovedOn`; default 60 s. */
  sourceCacheTtlMs?: number;
}

const ECR_IMAGE_URI =
  /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.(amazonaws\.com(?:\.cn)?)\/(.+)$/;

/**
 * The target image URI: the source's repository in the target account and region, pinned by digest
 * (ECR replication or a pipeline puts the same image there). Throws InputError when the source image
 * is not in ECR.
 */
export function targetImageUri(
  sourceImageUri: string | undefined,
  digest: string,
  target: { accountId: string; region: string },
): string {
  const match = sourceImageUri ? ECR_IMAGE_URI.exec(sourceImageUri) : null;
  if (!match) {
    throw new InputError(
      `The source image URI '${
        sourceImageUri ?? 'none'
      }' is not an ECR image URI ` +
        '(<account>.dkr.ecr.<region>.amazonaws.com/<repository>[:tag|@digest]): cannot tell which repository to promote from',
    );
  }
  const repository = match[4]
    .replace(/@sha256:[a-f0-9]{64}$/, '')
    .replace(/:[^/:]+$/, '');
  return `${target.accountId}.dkr.ecr.${target.region}.${match[3]}/${repository}@${digest}`;
}

/**
 * Promotion requests: made, approved, rejected, cancelled and expired here, executed by the
 * {@link PromotionExecutor}. Four-eyes is enforced here whatever the permission policy says: a
 * requester never approves their own request, and approvers must be in the environment's approver set.
 */
export class PromotionService {
  private readonly options: PromotionServiceOptions;
  private readonly sourceCache = new Map<
    string,
    { at: number; digest?: string }
  >();

  constructor(options: PromotionServiceOptions) {
    this.options = options;
  }

  /** Makes a request; executes it at once when the target needs no approval. */
  async request(
    input: CreatePromotionInput,
    actor: Actor,
  ): Promise<PromotionRequest> {
    const { store, config } = this.options;
    const now = this.now();
    const entity = await this.getEntity(input.entityRef);
    const entityRef = stringifyEntityRef(entity);
    const targetIndex = config.environments.indexOf(input.targetEnvironment);
    if (targetIndex === -1) {
      throw new InputError(
        `Unknown targetEnvironment '${
          input.targetEnvironment
        }'; configured: ${config.environments.join(', ')}`,
      );
    }
    if (targetIndex === 0) {
      throw new InputError(
        `${input.targetEnvironment} is the first environment: nothing is promoted into it`,
      );
    }
    const policy = config.policies.get(input.targetEnvironment)!;
    const defaultSource = config.environments[targetIndex - 1];
    const source = input.sourceEnvironment ?? defaultSource;
    if (source !== defaultSource && !policy.allowSkipFrom.includes(source)) {
      const skipping = policy.allowSkipFrom.length
        ? ` or, skipping environments, from ${policy.allowSkipFrom.join(', ')}`
        : '';
      throw new InputError(
        `Promotions into ${input.targetEnvironment} come from ${defaultSource}${skipping}, not from '${source}'`,
      );
    }
    const sourceIndex = config.environments.indexOf(source);

    const open = await store.listPromotions({
      entityRef,
      targetEnvironment: input.targetEnvironment,
      statuses: ['requested', 'approved', 'running'],
    });
    if (open.length > 0) {
      throw new ConflictError(
        `Promotion ${open[0].id} of ${entityRef} into ${input.targetEnvironment} is already ${open[0].status}: ` +
          'cancel it or wait for it to finish',
      );
    }

    const window = evaluateWindows(policy.windows, now);
    let windowOverride: StoredPromotion['windowOverride'];
    if (window.closed) {
      if (!input.overrideWindow) {
        throw new ConflictError(
          `Promotions into ${input.targetEnvironment} are closed${
            window.until ? ` until ${window.until}` : ''
          }: ` +
            `${window.reason}. Holders of ${promotionWindowOverridePermission.name} may request with overrideWindow: true.`,
        );
      }
      requireHeld(
        actor,
        promotionWindowOverridePermission,
        entityRef,
        `promotions into ${input.targetEnvironment} are closed (${window.reason})`,
      );
      windowOverride = {
        by: actor.userRef,
        at: now.toISOString(),
        reason: window.reason,
      };
    }
    if (!policy.requiresApproval) {
      requireHeld(
        actor,
        promotionExecutePermission,
        entityRef,
        `${input.targetEnvironment} needs no approval, so the request runs at once as ${actor.userRef}`,
      );
    }

    const located = await this.options.locator.locate(entity, [
      source,
      input.targetEnvironment,
    ]);
    const from = located[source];
    const to = located[input.targetEnvironment];
    assertStillServed(input.digest, source, from);
    if (!from?.liveAlias || !from.digest || from.digestKind !== 'image') {
      const why = from
        ? ` (${from.functionName}: ${
            from.liveAlias ? 'not an image function' : 'no live alias'
          })`
        : '';
      throw new ConflictError(
        `${source} has no live image for ${entityRef}${why}: there is no digest to promote`,
      );
    }
    if (!to?.liveAlias) {
      const why = to ? ` (${to.functionName} has no live alias)` : '';
      throw new ConflictError(
        `${input.targetEnvironment} has no function with a live alias for ${entityRef}${why}: ` +
          'create it with its stack first; promotions update existing functions',
      );
    }
    if (to.configuration.packageType !== 'Image') {
      throw new ConflictError(
        `${to.functionName} is a zip function: only image functions can be promoted`,
      );
    }
    if (to.digest === from.digest) {
      throw new ConflictError(
        `${input.targetEnvironment} already runs ${shortDigest(
          from.digest,
        )} (version ${to.liveAlias.version})`,
      );
    }
    const imageUri = targetImageUri(from.imageUri, from.digest, to);
    const warnings = await this.aliasWarnings(to);

    const approvers = policy.approvers ?? ownerRefs(entity);
    if (policy.requiresApproval && approvers.length === 0) {
      throw new ConflictError(
        `${entityRef} has no owner, and ${input.targetEnvironment} names no approvers: nobody could approve this request`,
      );
    }
    const promotion: StoredPromotion = {
      id: randomUUID(),
      entityRef,
      sourceEnvironment: source,
      targetEnvironment: input.targetEnvironment,
      skippedEnvironments: config.environments.slice(
        sourceIndex + 1,
        targetIndex,
      ),
      digest: from.digest,
      sourceVersion: from.liveAlias.version,
      sourceImageUri: from.imageUri,
      imageUri,
      target: {
        accountId: to.accountId,
        region: to.region,
        functionName: to.functionName,
      },
      status: 'requested',
      requestedBy: actor.userRef,
      requestedAt: now.toISOString(),
      comment: input.comment,
      expiresAt: new Date(now.getTime() + policy.requestTtlMs).toISOString(),
      updatedAt: now.toISOString(),
      previousVersion: to.liveAlias.version,
      previousDigest: to.digest,
      smokeCheckUrl:
        entity.metadata.annotations?.[
          smokeUrlAnnotation(input.targetEnvironment)
        ],
      policy: {
        requiresApproval: policy.requiresApproval,
        approvals: policy.approvals,
        approvers,
        approvalTtlMs: policy.approvalTtlMs,
      },
      windowOverride,
      warnings,
    };
    await store.insertPromotion(promotion);
    await this.options.activity.record({
      subject: { type: 'promotion', id: promotion.id },
      entityRef,
      event: 'requested',
      actor: actor.userRef,
      at: now.toISOString(),
      detail: `${describePromotion(promotion)} (${imageUri})${
        input.comment ? `: ${input.comment}` : ''
      }`,
      meta: {
        digest: promotion.digest,
        targetEnvironment: promotion.targetEnvironment,
      },
    });
    if (windowOverride) {
      await this.options.activity.record({
        subject: { type: 'promotion', id: promotion.id },
        entityRef,
        event: 'window-override',
        actor: actor.userRef,
        at: now.toISOString(),
        detail: `Requested while promotions into ${input.targetEnvironment} are closed: ${window.reason}`,
        severity: 'high',
      });
    }

    if (!policy.requiresApproval) {
      await this.markApproved(
        promotion,
        actor.userRef,
        `${input.targetEnvironment} needs no approval`,
      );
    } else {
      await this.options.activity.notify({
        recipients: approvers,
        exclude: actor.userRef,
        title: `Promotion awaiting approval: ${describePromotion(promotion)}`,
        description:
          `${actor.userRef} asks to promote ${shortDigest(
            promotion.digest,
          )} into ${input.targetEnvironment}` +
          `${input.comment ? `: ${input.comment}` : ''}. ${
            policy.approvals
          } approval(s) needed.`,
        link: this.link(promotion.id),
        scope: `promotion:${promotion.id}`,
        topic: 'environments-promotion',
      });
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
    const { store } = this.options;
    const promotion = await this.getOpen(id);
    const now = this.now();
    this.assertNotRequester(promotion, actor, 'approve');
    if (promotion.status !== 'requested') {
      throw notRequested(id, promotion.status);
    }
    if (!promotion.policy.requiresApproval) {
      throw new ConflictError(`Promotion ${id} needs no approval`);
    }
    await this.assertApprover(promotion, actor);
    const recorded = await store.recordApproval(
      id,
      {
        approver: actor.userRef,
        decision: 'approved',
        comment: input.comment,
        decidedAt: now.toISOString(),
        expiresAt: new Date(
          now.getTime() + promotion.policy.approvalTtlMs,
        ).toISOString(),
        mayExecute: actor.holds(promotionExecutePermission),
      },
      { now: now.toISOString(), statusReason: approvedBy },
    );
    if (recorded.outcome === 'already-approved') {
      throw new ConflictError(
        `${actor.userRef} has already approved promotion ${id}`,
      );
    } else if (recorded.outcome === 'not-requested') {
      throw notRequested(id, recorded.status);
    } else if (recorded.outcome === 'may-not-execute') {
      throw permissionDenied(
        promotionExecutePermission,
        promotion.entityRef,
        actor,
        'this approval completes the request, which then runs on Lambda as you',
      );
    }
    const { approvers, completed } = recorded;
    await this.options.activity.record({
      subject: { type: 'promotion', id },
      entityRef: promotion.entityRef,
      event: 'approved',
      actor: actor.userRef,
      at: now.toISOString(),
      detail: `Approval ${approvers.length} of ${promotion.policy.approvals}${
        input.comment ? `: ${input.comment}` : ''
      }`,
    });
    if (completed) {
      await this.recordReady(promotion, actor.userRef, approvedBy(approvers));
      this.options.executor.start(id);
    } else {
      await this.options.activity.notify({
        recipients: [promotion.requestedBy],
        title: `Promotion approved by ${actor.userRef}: ${describePromotion(
          promotion,
        )}`,
        description: `${approvers.length} of ${promotion.policy.approvals} approvals given.`,
        link: this.link(id),
        scope: `promotion:${id}`,
        topic: 'environments-promotion',
      });
    }
    return this.get(id);
  }

  /** Rejects a request (requested, or approved and waiting for its window). */
  async reject(
    id: string,
    input: { comment?: string },
    actor: Actor,
  ): Promise<PromotionRequest> {
    const { store } = this.options;
    const promotion = await this.getOpen(id);
    const now = this.now();
    this.assertNotRequester(promotion, actor, 'reject');
    if (promotion.status !== 'requested' && promotion.status !== 'approved') {
      throw new ConflictError(
        `Promotion ${id} is ${promotion.status}: it can no longer be rejected`,
      );
    }
    await this.assertApprover(promotion, actor);
    await store.upsertApproval(id, {
      approver: actor.userRef,
      decision: 'rejected',
      comment: input.comment,
      decidedAt: now.toISOString(),
    });
    const reason = `Rejected by ${actor.userRef}${
      input.comment ? `: ${input.comment}` : ''
    }`;
    await this.transitionOrExplain(
      promotion,
      ['requested', 'approved'],
      'rejected',
      reason,
      actor.userRef,
    );
    return this.get(id);
  }

  /** Cancels a request: by its requester or by one of its approvers. */
  async cancel(id: string, actor: Actor): Promise<PromotionRequest> {
    const promotion = await this.getOpen(id);
    if (promotion.requestedBy !== actor.userRef) {
      await this.assertApprover(
        promotion,
        actor,
        'cancel it (only the requester or an approver may)',
      );
    }
    if (promotion.status !== 'requested' && promotion.status !== 'approved') {
      throw new ConflictError(
        `Promotion ${id} is ${promotion.status}: it can no longer be cancelled`,
      );
    }
    await this.transitionOrExplain(
      promotion,
      ['requested', 'approved'],
      'cancelled',
      `Cancelled by ${actor.userRef}`,
      actor.userRef,
    );
    return this.get(id);
  }

  /** Whether promotions into each environment are closed now, why and until when, in promotion order. */
  windows(): Array<PromotionWindowState & { environment: string }> {
    const now = this.now();
    return [...this.options.config.policies.values()].map(policy => ({
      environment: policy.environment,
      ...evaluateWindows(policy.windows, now),
    }));
  }

  /** A request with its approvals, steps, history and policy summary; expires it first when due. */
  async get(id: string): Promise<PromotionRequest> {
    let promotion = await this.options.store.getPromotion(id);
    if (!promotion) {
      throw new NotFoundError(`No promotion request with id '${id}'`);
    }
    promotion = await this.expireIfDue(promotion);
    return this.view(promotion, true);
  }

  /** The entity ref a request is about, for permission checks; NotFoundError when unknown. */
  async entityRefOf(id: string): Promise<string> {
    const promotion = await this.options.store.getPromotion(id);
    if (!promotion) {
      throw new NotFoundError(`No promotion request with id '${id}'`);
    }
    return promotion.entityRef;
  }

  /** Requests, newest first. `sourceMovedOn` is computed for open requests only. */
  async list(filter: PromotionListFilter): Promise<PromotionRequest[]> {
    const { policies } = this.options.config;
    if (filter.targetEnvironment && !policies.has(filter.targetEnvironment)) {
      throw new InputError(
        `targetEnvironment: no environment named '${
          filter.targetEnvironment
        }'; the environments are ${[...policies.keys()].join(', ')}`,
      );
    }
    let promotions = await this.options.store.listPromotions({
      entityRef: filter.entityRef,
      targetEnvironment: filter.targetEnvironment,
      statuses: filter.awaitingApprovalBy ? ['requested'] : filter.statuses,
      limit: filter.awaitingApprovalBy ? undefined : filter.limit ?? 100,
    });
    promotions = await Promise.all(promotions.map(p => this.expireIfDue(p)));
    if (filter.statuses) {
      promotions = promotions.filter(p => filter.statuses!.includes(p.status));
    }
    if (filter.awaitingApprovalBy) {
      const userRef = filter.awaitingApprovalBy;
      const identities = await this.options.approvers.identitiesOf(userRef);
      const now = this.now();
      const awaiting: StoredPromotion[] = [];
      for (const promotion of promotions) {
        if (
          promotion.status === 'requested' &&
          promotion.policy.requiresApproval &&
          promotion.requestedBy !== userRef &&
          promotion.policy.approvers.some(ref => identities.has(ref)) &&
          !validApprovals(
            await this.options.store.listApprovals(promotion.id),
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
        this.view(p, p.status === 'requested' || p.status === 'approved'),
      ),
    );
  }

  /** Expires requested and approved requests past their TTL. */
  async expireDue(): Promise<void> {
    for (const promotion of await this.options.store.listExpiredOpen(
      this.now().toISOString(),
    )) {
      await this.expireIfDue(promotion);
    }
  }

  /**
   * The periodic sweep: expires what is due, completes requests that hold enough approvals, settles
   * executions whose instance stopped, and starts approved requests (e.g. whose window opened). Safe to
   * run on every instance at once.
   */
  async sweep(): Promise<void> {
    await this.expireDue();
    await this.completeFullyApproved();
    await this.options.executor.recoverInterrupted();
    await this.options.executor.startWaiting();
  }

  private async markApproved(
    promotion: StoredPromotion,
    executedBy: string,
    reason: string,
  ): Promise<void> {
    const moved = await this.options.store.transition(
      promotion.id,
      ['requested'],
      {
        status: 'approved',
        statusReason: reason,
        executedBy,
        updatedAt: this.now().toISOString(),
      },
    );
    if (moved) {
      await this.recordReady(promotion, executedBy, reason);
    }
    // Also when another instance moved it: claiming decides who executes.
    this.options.executor.start(promotion.id);
  }

  /** Records that a request has what it needs to run, and as whom it will. */
  private async recordReady(
    promotion: StoredPromotion,
    executedBy: string,
    reason: string,
  ): Promise<void> {
    await this.options.activity.record({
      subject: { type: 'promotion', id: promotion.id },
      entityRef: promotion.entityRef,
      event: 'ready',
      actor: executedBy,
      at: this.now().toISOString(),
      detail: `${reason}; executing as ${executedBy}`,
    });
  }

  /**
   * Completes requested requests that hold enough valid approvals without having been completed (as
   * approvals recorded before they were decided in one transaction could be), as the last of their
   * approvers who held the execute permission when approving. The sweep then starts them.
   */
  private async completeFullyApproved(): Promise<void> {
    const { store } = this.options;
    const now = this.now();
    for (const promotion of await store.listPromotions({
      statuses: ['requested'],
    })) {
      const valid = validApprovals(
        await store.listApprovals(promotion.id),
        now,
      );
      const executor = valid.filter(a => a.mayExecute).pop();
      if (
        !promotion.policy.requiresApproval ||
        valid.length < promotion.policy.approvals ||
        !executor
      ) {
        continue;
      }
      const reason = `${approvedBy(
        valid.map(a => a.approver),
      )} (completed by the periodic sweep)`;
      const moved = await store.transition(promotion.id, ['requested'], {
        status: 'approved',
        statusReason: reason,
        executedBy: executor.approver,
        updatedAt: now.toISOString(),
      });
      if (moved) {
        await this.recordReady(promotion, executor.approver, reason);
      }
    }
  }

  private async transitionOrExplain(
    promotion: StoredPromotion,
    from: PromotionState[],
    to: PromotionState,
    reason: string,
    actor: string,
  ): Promise<void> {
    const at = this.now().toISOString();
    const moved = await this.options.store.transition(promotion.id, from, {
      status: to,
      statusReason: reason,
      finishedAt: at,
      updatedAt: at,
    });
    if (!moved) {
      const current = await this.options.store.getPromotion(promotion.id);
      throw new ConflictError(
        `Promotion ${promotion.id} is ${current?.status}: it was not ${to}`,
      );
    }
    await this.options.activity.record({
      subject: { type: 'promotion', id: promotion.id },
      entityRef: promotion.entityRef,
      event: to,
      actor,
      at,
      detail: reason,
    });
    const approvals = await this.options.store.listApprovals(promotion.id);
    await this.options.activity.notify({
      recipients: [
        promotion.requestedBy,
        ...approvals
          .filter(a => a.decision === 'approved')
          .map(a => a.approver),
      ],
      exclude: actor,
      title: `Promotion ${to}: ${describePromotion(promotion)}`,
      description: reason,
      link: this.link(promotion.id),
      scope: `promotion:${promotion.id}`,
      topic: 'environments-promotion',
    });
  }

  private async expireIfDue(
    promotion: StoredPromotion,
  ): Promise<StoredPromotion> {
    const now = this.now();
    if (
      (promotion.status !== 'requested' && promotion.status !== 'approved') ||
      new Date(promotion.expiresAt) > now
    ) {
      return promotion;
    }
    const policy = this.options.config.policies.get(
      promotion.targetEnvironment,
    );
    const reason =
      `Not executed within ${
        policy ? formatDuration(policy.requestTtlMs) : 'its time to live'
      } ` + `(expired at ${promotion.expiresAt})`;
    const moved = await this.options.store.transition(
      promotion.id,
      [promotion.status],
      {
        status: 'expired',
        statusReason: reason,
        finishedAt: now.toISOString(),
        updatedAt: now.toISOString(),
      },
    );
    if (moved) {
      await this.options.activity.record({
        subject: { type: 'promotion', id: promotion.id },
        entityRef: promotion.entityRef,
        event: 'expired',
        at: now.toISOString(),
        detail: reason,
      });
      await this.options.activity.notify({
        recipients: [promotion.requestedBy],
        title: `Promotion expired: ${describePromotion(promotion)}`,
        description: reason,
        link: this.link(promotion.id),
        scope: `promotion:${promotion.id}`,
        topic: 'environments-promotion',
      });
    }
    return (await this.options.store.getPromotion(promotion.id)) ?? promotion;
  }

  private async getOpen(id: string): Promise<StoredPromotion> {
    const promotion = await this.options.store.getPromotion(id);
    if (!promotion) {
      throw new NotFoundError(`No promotion request with id '${id}'`);
    }
    return this.expireIfDue(promotion);
  }

  /** Four-eyes, in code: no permission policy can let a requester decide on their own request. */
  private assertNotRequester(
    promotion: StoredPromotion,
    actor: Actor,
    action: string,
  ): void {
    if (promotion.requestedBy === actor.userRef) {
      throw new NotAllowedError(
        `${actor.userRef} requested promotion ${promotion.id} and may not ${action} it: someone else must`,
      );
    }
  }

  private async assertApprover(
    promotion: StoredPromotion,
    actor: Actor,
    action = 'approve or reject it',
  ): Promise<void> {
    const identities = await this.options.approvers.identitiesOf(actor.userRef);
    if (!promotion.policy.approvers.some(ref => identities.has(ref))) {
      throw new NotAllowedError(
        `${actor.userRef} may not ${action}: approvers of promotions into ${promotion.targetEnvironment} ` +
          `are members of ${promotion.policy.approvers.join(', ')}`,
      );
    }
  }

  private async view(
    promotion: StoredPromotion,
    withSource: boolean,
  ): Promise<PromotionRequest> {
    const { store } = this.options;
    const now = this.now();
    const subject = { type: 'promotion' as const, id: promotion.id };
    const [approvals, steps, history] = await Promise.all([
      store.listApprovals(promotion.id),
      store.listSteps(subject),
      store.listEvents(subject),
    ]);
    // Whether an approver may execute is for the sweep only.
    const approvalViews: PromotionApproval[] = approvals.map(
      ({ mayExecute: _mayExecute, ...approval }) => ({
        ...approval,
        expired:
          approval.decision === 'approved' &&
          !!approval.expiresAt &&
          new Date(approval.expiresAt) <= now,
      }),
    );
    const policy = this.options.config.policies.get(
      promotion.targetEnvironment,
    );
    const summary = this.summarise(promotion, approvals, policy, now);
    const {
      policy: _policy,
      leaseOwner: _owner,
      leaseExpiresAt: _lease,
      ...fields
    } = promotion;
    let sourceCurrentDigest: string | undefined;
    if (withSource) {
      sourceCurrentDigest = await this.currentDigest(
        promotion.entityRef,
        promotion.sourceEnvironment,
      );
    }
    return {
      ...fields,
      approvals: approvalViews,
      steps,
      history,
      policy: summary,
      sourceMovedOn:
        sourceCurrentDigest !== undefined &&
        sourceCurrentDigest !== promotion.digest,
      sourceCurrentDigest,
    };
  }

  private summarise(
    promotion: StoredPromotion,
    approvals: StoredApproval[],
    policy: PromotionPolicy | undefined,
    now: Date,
  ): PromotionPolicySummary {
    const given = validApprovals(approvals, now).length;
    const window = evaluateWindows(policy?.windows ?? [], now);
    const missing: string[] = [];
    const open =
      promotion.status === 'requested' || promotion.status === 'approved';
    if (
      promotion.status === 'requested' &&
      promotion.policy.requiresApproval &&
      given < promotion.policy.approvals
    ) {
      const needed = promotion.policy.approvals - given;
      const expired = approvals.filter(
        a =>
          a.decision === 'approved' &&
          a.expiresAt &&
          new Date(a.expiresAt) <= now,
      );
      const expiredNote = expired.length
        ? `; expired: ${expired.map(a => a.approver).join(', ')}`
        : '';
      missing.push(
        `${needed} more approval${needed === 1 ? '' : 's'} from members of ` +
          `${promotion.policy.approvers.join(', ')} (not ${
            promotion.requestedBy
          })${expiredNote}`,
      );
    }
    if (open && window.closed && !promotion.windowOverride) {
      missing.push(
        `Promotions into ${promotion.targetEnvironment} are closed${
          window.until ? ` until ${window.until}` : ''
        }: ${window.reason}`,
      );
    }
    return {
      requiresApproval: promotion.policy.requiresApproval,
      approvalsRequired: promotion.policy.approvals,
      approvalsGiven: given,
      approvers: promotion.policy.approvers,
      approvalTtlSeconds: Math.round(promotion.policy.approvalTtlMs / 1000),
      missing,
      window,
    };
  }

  /** What the source environment runs now (cached briefly); undefined when it cannot be read. */
  private async currentDigest(
    entityRef: string,
    environment: string,
  ): Promise<string | undefined> {
    const key = `${entityRef}|${environment}`;
    const ttl = this.options.sourceCacheTtlMs ?? 60_000;
    const cached = this.sourceCache.get(key);
    if (cached && Date.now() - cached.at < ttl) {
      return cached.digest;
    }
    try {
      const entity = await this.getEntity(entityRef);
      const located = await this.options.locator.locate(entity, [environment]);
      const digest = located[environment]?.digest;
      this.sourceCache.set(key, { at: Date.now(), digest });
      return digest;
    } catch (error) {
      this.options.logger.warn(
        `Could not read what ${environment} runs for ${entityRef}: ${error}`,
      );
      return undefined;
    }
  }

  /** Says before acting when a CloudFormation stack owns the alias: the switch then drifts from it. */
  private async aliasWarnings(target: FunctionResource): Promise<string[]> {
    const { warnings } = await aliasOwnership(
      () => this.options.deployers.forRead(target),
      target,
      'switching it here creates drift that the next stack deploy undoes unless the stack is updated to the same version',
    );
    return warnings;
  }

  private getEntity(entityRef: string): Promise<Entity> {
    return getCatalogEntity(this.options, entityRef);
  }

  private link(id: string): string {
    return (this.options.promotionLink ?? defaultPromotionLink)(id);
  }

  private now(): Date {
    return (this.options.clock ?? (() => new Date()))();
  }
}

/** The status reason of a request its approvals completed. */
function approvedBy(approvers: string[]): string {
  return `Approved by ${approvers.join(', ')}`;
}

function notRequested(id: string, status: PromotionState): ConflictError {
  return new ConflictError(
    `Promotion ${id} is ${status}: only requested promotions can be approved`,
  );
}

/** Refuses a request whose source no longer runs the digest the user saw, saying what it runs now. */
function assertStillServed(
  seen: string | undefined,
  source: string,
  from: FunctionResource | undefined,
): void {
  if (seen === undefined || from?.digest === seen) {
    return;
  }
  const now = from?.digest
    ? `${from.digest}${
        from.liveAlias ? ` (version ${from.liveAlias.version})` : ''
      }`
    : 'no live image';
  throw new ConflictError(
    `${source} no longer runs the digest you saw: seen ${seen}, now ${now}. ` +
      `Nothing was requested; look at what ${source} runs now and request again.`,
  );
}
