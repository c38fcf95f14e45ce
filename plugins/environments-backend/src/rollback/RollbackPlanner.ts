import { randomUUID } from 'crypto';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { FunctionLocation } from '@internal/backstage-plugin-environments-common';
import {
  FunctionVersionState,
  LambdaDeployer,
  LiveAliasState,
} from '../aws/LambdaDeployer';
import { DeployerSource } from '../aws/types';
import { Actor } from '../authorization/permissions';
import { ApproverDirectory } from '../catalog/Approvers';
import { PromotionConfig } from '../promotion/config';
import { targetImageUri } from '../promotion/newRequest';
import { PromotionStore, StoredRollback } from '../promotion/PromotionStore';
import { aliasOwnership } from '../promotion/stackOwnedAlias';
import { RollbackVersions } from './RollbackVersions';

/** The body of `POST /rollbacks`. */
export interface CreateRollbackInput {
  entityRef: string;
  environment: string;
  /** Default: the version live before the current one. */
  targetVersion?: string;
  comment?: string;
  /** Check and answer what would happen (status `planned`, with warnings) without changing anything. */
  dryRun?: boolean;
}

/** A rollback checked and ready to record: its record, and the alias revision its switch is guarded by. */
export interface RollbackPlan {
  record: StoredRollback & { toDigest: string };
  liveRevisionId?: string;
}

/**
 * Decides a rollback before anything changes: who may roll the environment back, that no promotion
 * runs there, that live serves one version, and that the version to go back to runs; says when a stack
 * owns the alias. The record it returns is what the rollback stores before it acts.
 */
export class RollbackPlanner {
  constructor(
    private readonly options: {
      store: PromotionStore;
      approvers: ApproverDirectory;
      deployers: DeployerSource;
      config: PromotionConfig;
      versions: RollbackVersions;
    },
  ) {}

  async plan(
    input: CreateRollbackInput,
    actor: Actor,
    entity: Entity,
    now: Date,
  ): Promise<RollbackPlan> {
    await this.assertMayRollBack(input.environment, actor);
    const target = await this.options.versions.locate(
      entity,
      input.environment,
    );
    const location: FunctionLocation = {
      accountId: target.accountId,
      region: target.region,
      functionName: target.functionName,
    };
    await this.assertNoPromotionRunning(location);
    const reader = await this.options.deployers.forRead(target);
    const live = await liveAliasToRollBack(reader, target.functionName);
    const { toVersion, current, chosen } = await this.chooseVersion(
      input,
      location,
      live,
      reader,
    );
    const { stackName: aliasStackName, warnings } = aliasOwnership(
      target,
      'this rollback creates drift that the next stack deploy undoes. It is shown as intentional until the next promotion.',
    );
    const record = {
      id: input.dryRun ? '' : randomUUID(),
      entityRef: stringifyEntityRef(entity),
      environment: input.environment,
      target: location,
      fromVersion: live.version,
      fromDigest: current?.digest,
      toVersion,
      toDigest: chosen.digest!,
      toImageUri: pinnedImageUri(chosen, location),
      status: input.dryRun ? ('planned' as const) : ('running' as const),
      statusReason: input.dryRun
        ? `Would point live from version ${live.version} back at version ${toVersion}`
        : undefined,
      requestedBy: actor.userRef,
      requestedAt: now.toISOString(),
      comment: input.comment,
      aliasStackName,
      intentionalDrift: false,
      warnings,
    };
    return { record, liveRevisionId: live.revisionId };
  }

  /** Where the environment names who may roll it back (`rollback.allowedGroups`), the actor must be one of them. */
  private async assertMayRollBack(
    environment: string,
    actor: Actor,
  ): Promise<void> {
    const { config } = this.options;
    const policy = config.policies.get(environment);
    if (!policy) {
      throw new InputError(
        `Unknown environment '${environment}'; configured: ${config.environments.join(
          ', ',
        )}`,
      );
    }
    const allowed = policy.rollback.allowedGroups;
    if (!allowed) {
      return;
    }
    const identities = await this.options.approvers.identitiesOf(actor.userRef);
    if (!allowed.some(ref => identities.has(ref))) {
      throw new NotAllowedError(
        `${actor.userRef} may not roll back ${environment}: only members of ` +
          `${allowed.join(', ')} may`,
      );
    }
  }

  private async assertNoPromotionRunning(
    location: FunctionLocation,
  ): Promise<void> {
    const running = await this.options.store.listPromotions({
      target: location,
      statuses: ['running'],
    });
    if (running.length > 0) {
      throw new ConflictError(
        `Promotion ${running[0].id} is running on ${location.functionName}: wait for it to finish`,
      );
    }
  }

  /** The version to go back to (asked for, or the one live before), checked to exist and run an image. */
  private async chooseVersion(
    input: CreateRollbackInput,
    location: FunctionLocation,
    live: LiveAliasState,
    reader: LambdaDeployer,
  ): Promise<{
    toVersion: string;
    current?: FunctionVersionState;
    chosen: FunctionVersionState;
  }> {
    const fn = location.functionName;
    const toVersion =
      input.targetVersion ??
      (await this.options.versions.previousVersion(location, live.version));
    if (!/^\d+$/.test(toVersion)) {
      throw new InputError(
        `targetVersion must be a published version number, got '${toVersion}'`,
      );
    }
    if (toVersion === live.version) {
      throw new ConflictError(
        `Version ${toVersion} is already live in ${input.environment}`,
      );
    }
    const [current, chosen] = await Promise.all([
      reader.getVersion(fn, live.version),
      reader.getVersion(fn, toVersion),
    ]);
    if (!chosen) {
      throw new InputError(`Version ${toVersion} of ${fn} does not exist`);
    }
    if (chosen.state === 'Failed' || !chosen.digest) {
      throw new ConflictError(
        `Version ${toVersion} of ${fn} does not resolve to a runnable image ` +
          `(state ${chosen.state ?? 'unknown'}${
            chosen.stateReason ? `: ${chosen.stateReason}` : ''
          })`,
      );
    }
    return { toVersion, current, chosen };
  }
}

/** What live serves, when it serves one version: nothing to roll back otherwise, or a deployment under way. */
async function liveAliasToRollBack(
  reader: LambdaDeployer,
  functionName: string,
): Promise<LiveAliasState> {
  const live = await reader.getLiveAlias(functionName);
  if (!live) {
    throw new ConflictError(
      `${functionName} has no live alias: nothing to roll back`,
    );
  }
  if (Object.keys(live.routing).length > 0) {
    throw new ConflictError(
      `${functionName}:live is shifting traffic (${JSON.stringify(
        live.routing,
      )}): a deployment is in progress`,
    );
  }
  return live;
}

/**
 * The image of the version to go back to, pinned by its digest: the version's digest is what runs, while
 * the URI GetFunction reports for a version may be another one (the emulator reports `$LATEST`'s).
 */
function pinnedImageUri(
  version: FunctionVersionState,
  location: FunctionLocation,
): string | undefined {
  try {
    return targetImageUri(version.imageUri, version.digest!, location);
  } catch {
    // Not an ECR image URI: shown without a link rather than failing the rollback over it.
    return undefined;
  }
}
