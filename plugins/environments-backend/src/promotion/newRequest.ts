import { randomUUID } from 'crypto';
import { Entity } from '@backstage/catalog-model';
import { ConflictError, InputError } from '@backstage/errors';
import {
  FunctionResource,
  PromotionWindowState,
  promotionExecutePermission,
  promotionWindowOverridePermission,
  shortDigest,
  smokeUrlAnnotation,
} from '@internal/backstage-plugin-environments-common';
import { Actor, requireHeld } from '../authorization/permissions';
import { ownerRefs } from '../catalog/Approvers';
import { PromotionConfig, PromotionPolicy } from './config';
import { StoredPromotion } from './PromotionStore';

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

/** Where a request goes: the target's policy, the source, and the environments it skips. */
export interface RequestRoute {
  policy: PromotionPolicy;
  source: string;
  skipped: string[];
}

/** A request's source and target functions, once they can be promoted between. */
export interface PromotableFunctions {
  from: FunctionResource & { digest: string; liveAlias: { version: string } };
  to: FunctionResource & { liveAlias: { version: string } };
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
 * The route of a request: into a configured environment other than the first, from the environment
 * before it or, where the target's policy allows skipping, from one further back. InputError otherwise.
 */
export function requestRoute(
  config: PromotionConfig,
  input: CreatePromotionInput,
): RequestRoute {
  const { environments } = config;
  const targetIndex = environments.indexOf(input.targetEnvironment);
  if (targetIndex === -1) {
    throw new InputError(
      `Unknown targetEnvironment '${
        input.targetEnvironment
      }'; configured: ${environments.join(', ')}`,
    );
  }
  if (targetIndex === 0) {
    throw new InputError(
      `${input.targetEnvironment} is the first environment: nothing is promoted into it`,
    );
  }
  const policy = config.policies.get(input.targetEnvironment)!;
  const defaultSource = environments[targetIndex - 1];
  const source = input.sourceEnvironment ?? defaultSource;
  if (source !== defaultSource && !policy.allowSkipFrom.includes(source)) {
    const skipping = policy.allowSkipFrom.length
      ? ` or, skipping environments, from ${policy.allowSkipFrom.join(', ')}`
      : '';
    throw new InputError(
      `Promotions into ${input.targetEnvironment} come from ${defaultSource}${skipping}, not from '${source}'`,
    );
  }
  const skipped = environments.slice(
    environments.indexOf(source) + 1,
    targetIndex,
  );
  return { policy, source, skipped };
}

/**
 * What the actor must hold for the request to be made now: the window-override permission when the
 * target's window is closed (a request without `overrideWindow` is refused, 409), and the execute
 * permission when the target needs no approval (the request then runs at once as them). Returns the
 * override to record, if any.
 */
export function requiredGrants(options: {
  input: CreatePromotionInput;
  policy: PromotionPolicy;
  window: PromotionWindowState;
  actor: Actor;
  entityRef: string;
  now: Date;
}): StoredPromotion['windowOverride'] {
  const { input, policy, window, actor, entityRef, now } = options;
  const target = input.targetEnvironment;
  let windowOverride: StoredPromotion['windowOverride'];
  if (window.closed) {
    if (!input.overrideWindow) {
      throw new ConflictError(
        `Promotions into ${target} are closed${
          window.until ? ` until ${window.until}` : ''
        }: ` +
          `${window.reason}. Holders of ${promotionWindowOverridePermission.name} may request with overrideWindow: true.`,
      );
    }
    requireHeld(
      actor,
      promotionWindowOverridePermission,
      entityRef,
      `promotions into ${target} are closed (${window.reason})`,
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
      `${target} needs no approval, so the request runs at once as ${actor.userRef}`,
    );
  }
  return windowOverride;
}

/**
 * The source and target functions of a request, once a promotion can move the source's live image to
 * the target: the source serves the digest the user saw (when given) from a live image, the target is an
 * image function with a live alias that serves another digest. ConflictError saying what is not so.
 */
export function promotableFunctions(options: {
  entityRef: string;
  source: string;
  target: string;
  seenDigest?: string;
  from: FunctionResource | undefined;
  to: FunctionResource | undefined;
}): PromotableFunctions {
  const { entityRef, source, target, from, to } = options;
  assertStillServed(options.seenDigest, source, from);
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
      `${target} has no function with a live alias for ${entityRef}${why}: ` +
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
      `${target} already runs ${shortDigest(from.digest)} (version ${
        to.liveAlias.version
      })`,
    );
  }
  return { from, to } as PromotableFunctions;
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

/**
 * The record of a new request, as stored before anything else happens: what moves where, what the
 * target served before, and the policy it was requested under (approvers default to the service's owner).
 * ConflictError when it needs approval and nobody could give it.
 */
export function newPromotion(options: {
  entity: Entity;
  entityRef: string;
  input: CreatePromotionInput;
  route: RequestRoute;
  functions: PromotableFunctions;
  /** The target's image URI ({@link targetImageUri}). */
  imageUri: string;
  actor: Actor;
  now: Date;
  windowOverride: StoredPromotion['windowOverride'];
  warnings: string[];
}): StoredPromotion {
  const { entity, entityRef, input, route, actor, now } = options;
  const { from, to } = options.functions;
  const { policy } = route;
  const approvers = policy.approvers ?? ownerRefs(entity);
  if (policy.requiresApproval && approvers.length === 0) {
    throw new ConflictError(
      `${entityRef} has no owner, and ${input.targetEnvironment} names no approvers: nobody could approve this request`,
    );
  }
  return {
    id: randomUUID(),
    entityRef,
    sourceEnvironment: route.source,
    targetEnvironment: input.targetEnvironment,
    skippedEnvironments: route.skipped,
    digest: from.digest,
    sourceVersion: from.liveAlias.version,
    sourceImageUri: from.imageUri,
    imageUri: options.imageUri,
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
    windowOverride: options.windowOverride,
    warnings: options.warnings,
  };
}
