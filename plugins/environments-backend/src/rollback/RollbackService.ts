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
  FunctionLocation,
  FunctionResource,
  FunctionVersionSummary,
  RollbackRecord,
  shortDigest,
} from '@internal/backstage-plugin-environments-common';
import { getCatalogEntity } from '../catalog/entityRefs';
import { ApproverDirectory, ownerRefs } from '../catalog/Approvers';
import { PromotionConfig } from '../promotion/config';
import { DeployerSource } from '../aws/types';
import { FunctionLocator } from '../matrix/FunctionLocator';
import { defaultRollbackLink } from '../promotion/lifecycle';
import { Actor } from '../authorization/permissions';
import { PromotionActivity } from '../promotion/PromotionActivity';
import { PromotionStore, StoredRollback } from '../promotion/PromotionStore';
import { aliasOwnership } from '../promotion/stackOwnedAlias';
import { StepFailedError, StepRecorder } from '../promotion/StepRecorder';

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

/** Options of {@link RollbackService}. */
export interface RollbackServiceOptions {
  store: PromotionStore;
  activity: PromotionActivity;
  catalog: CatalogService;
  auth: AuthService;
  approvers: ApproverDirectory;
  locator: FunctionLocator;
  deployers: DeployerSource;
  config: PromotionConfig;
  logger: LoggerService;
  clock?: () => Date;
  rollbackLink?: (id: string) => string;
}

/**
 * Rollbacks of an environment's `live` alias to an earlier published version, and the versions to
 * choose from. A rollback is recorded (with what was live before) before it acts, and its drift from a
 * stack that owns the alias is marked intentional until the next promotion.
 */
export class RollbackService {
  constructor(private readonly options: RollbackServiceOptions) {}

  async rollback(
    input: CreateRollbackInput,
    actor: Actor,
  ): Promise<RollbackRecord> {
    const { store, config } = this.options;
    const entity = await this.getEntity(input.entityRef);
    const entityRef = stringifyEntityRef(entity);
    const policy = config.policies.get(input.environment);
    if (!policy) {
      throw new InputError(
        `Unknown environment '${
          input.environment
        }'; configured: ${config.environments.join(', ')}`,
      );
    }
    if (policy.rollback.allowedGroups) {
      const identities = await this.options.approvers.identitiesOf(
        actor.userRef,
      );
      if (!policy.rollback.allowedGroups.some(ref => identities.has(ref))) {
        throw new NotAllowedError(
          `${actor.userRef} may not roll back ${input.environment}: only members of ` +
            `${policy.rollback.allowedGroups.join(', ')} may`,
        );
      }
    }
    const target = await this.locate(entity, input.environment);
    const location: FunctionLocation = {
      accountId: target.accountId,
      region: target.region,
      functionName: target.functionName,
    };
    const running = await store.listPromotions({
      target: location,
      statuses: ['running'],
    });
    if (running.length > 0) {
      throw new ConflictError(
        `Promotion ${running[0].id} is running on ${target.functionName}: wait for it to finish`,
      );
    }

    const reader = await this.options.deployers.forRead(target);
    const live = await reader.getLiveAlias(target.functionName);
    if (!live) {
      throw new ConflictError(
        `${target.functionName} has no live alias: nothing to roll back`,
      );
    }
    if (Object.keys(live.routing).length > 0) {
      throw new ConflictError(
        `${target.functionName}:live is shifting traffic (${JSON.stringify(
          live.routing,
        )}): a deployment is in progress`,
      );
    }
    const toVersion =
      input.targetVersion ??
      (await this.previousVersion(location, live.version));
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
      reader.getVersion(target.functionName, live.version),
      reader.getVersion(target.functionName, toVersion),
    ]);
    if (!chosen) {
      throw new InputError(
        `Version ${toVersion} of ${target.functionName} does not exist`,
      );
    }
    if (chosen.state === 'Failed' || !chosen.digest) {
      throw new ConflictError(
        `Version ${toVersion} of ${target.functionName} does not resolve to a runnable image ` +
          `(state ${chosen.state ?? 'unknown'}${
            chosen.stateReason ? `: ${chosen.stateReason}` : ''
          })`,
      );
    }

    const { stackName: aliasStackName, warnings } = await aliasOwnership(
      async () => reader,
      target,
      'this rollback creates drift that the next stack deploy undoes. It is shown as intentional until the next promotion.',
    );

    const now = this.now().toISOString();
    const record: StoredRollback = {
      id: input.dryRun ? '' : randomUUID(),
      entityRef,
      environment: input.environment,
      target: location,
      fromVersion: live.version,
      fromDigest: current?.digest,
      toVersion,
      toDigest: chosen.digest,
      toImageUri: chosen.imageUri,
      status: input.dryRun ? 'planned' : 'running',
      statusReason: input.dryRun
        ? `Would point live from version ${live.version} back at version ${toVersion}`
        : undefined,
      requestedBy: actor.userRef,
      requestedAt: now,
      comment: input.comment,
      aliasStackName,
      intentionalDrift: false,
      warnings,
    };
    if (input.dryRun) {
      return { ...record, steps: [], history: [] };
    }

    // Recorded before acting, with what was live.
    await store.insertRollback(record);
    const subject = { type: 'rollback' as const, id: record.id };
    await this.options.activity.record({
      subject,
      entityRef,
      event: 'requested',
      actor: actor.userRef,
      at: now,
      detail:
        `Roll back ${target.functionName} in ${input.environment} from version ${live.version} ` +
        `(${
          current?.digest ? shortDigest(current.digest) : 'unknown'
        }) to ${toVersion} ` +
        `(${shortDigest(chosen.digest)})${
          input.comment ? `: ${input.comment}` : ''
        }`,
      severity: 'high',
    });

    const recorder = new StepRecorder({
      store,
      activity: this.options.activity,
      subject,
      entityRef,
      actor: actor.userRef,
      clock: () => this.now(),
    });
    try {
      const writer = await this.options.deployers.forWrite(
        target,
        actor.userRef,
      );
      await recorder.run(
        'switch-alias',
        `UpdateAlias ${target.functionName}:live → version ${toVersion} guarded by revision ${live.revisionId}`,
        async () => {
          const alias = await writer.switchAlias(target.functionName, {
            version: toVersion,
            routing: {},
            expectedVersion: live.version,
            expectedRevisionId: live.revisionId,
          });
          return {
            value: alias,
            detail: `live → version ${toVersion} (revision ${alias.revisionId})`,
          };
        },
      );
      await recorder.run(
        'verify',
        `GetFunction ${target.functionName}:live must serve ${shortDigest(
          chosen.digest,
        )}`,
        async () => {
          const served = await writer.getVersion(target.functionName, 'live');
          if (
            served?.version !== toVersion ||
            served.digest !== chosen.digest
          ) {
            throw new StepFailedError(
              `live serves version ${served?.version} (${
                served?.digest ?? 'unknown digest'
              }), expected ${toVersion}`,
            );
          }
          return {
            value: undefined,
            detail: `live serves version ${toVersion} with ${chosen.digest}`,
          };
        },
      );
      await this.finish(
        record,
        'succeeded',
        `Live serves version ${toVersion} again (was ${live.version})`,
      );
    } catch (error) {
      await this.finish(
        record,
        'failed',
        (error as Error).message,
        error as Error,
      );
    }
    return this.get(record.id);
  }

  async get(id: string): Promise<RollbackRecord> {
    const rollback = await this.options.store.getRollback(id);
    if (!rollback) {
      throw new NotFoundError(`No rollback with id '${id}'`);
    }
    return this.view(rollback);
  }

  async list(filter: {
    entityRef?: string;
    environment?: string;
    limit?: number;
  }): Promise<RollbackRecord[]> {
    const rollbacks = await this.options.store.listRollbacks({
      ...filter,
      limit: filter.limit ?? 100,
    });
    return Promise.all(rollbacks.map(r => this.view(r)));
  }

  /**
   * The published versions of a service's function in an environment, newest first, with when each
   * was live as far as this product switched it.
   */
  async listVersions(
    entityRef: string,
    environment: string,
  ): Promise<FunctionVersionSummary[]> {
    if (!this.options.config.policies.has(environment)) {
      throw new NotFoundError(
        `Unknown environment '${environment}'; configured: ${this.options.config.environments.join(
          ', ',
        )}`,
      );
    }
    const entity = await this.getEntity(entityRef);
    const target = await this.locate(entity, environment);
    const reader = await this.options.deployers.forRead(target);
    const [versions, live] = await Promise.all([
      reader.listVersions(target.functionName),
      reader.getLiveAlias(target.functionName),
    ]);
    const periods = await this.livePeriods(target);
    return versions
      .map(version => ({
        version: version.version,
        digest: version.digest,
        imageUri: version.imageUri,
        publishedAt: version.lastModified,
        liveFrom: periods.get(version.version)?.from,
        liveUntil: periods.get(version.version)?.until,
        isLive: live?.version === version.version,
      }))
      .reverse();
  }

  /** When each version last became live and stopped being live, from this product's own switches. */
  private async livePeriods(
    target: FunctionLocation,
  ): Promise<Map<string, { from: string; until?: string }>> {
    const [promotions, rollbacks] = await Promise.all([
      this.options.store.listPromotions({ target, statuses: ['succeeded'] }),
      this.options.store.listRollbacks({ target }),
    ]);
    const switches = [
      ...promotions.flatMap(p =>
        p.publishedVersion && p.finishedAt
          ? [{ version: p.publishedVersion, at: p.finishedAt }]
          : [],
      ),
      ...rollbacks.flatMap(r =>
        r.status === 'succeeded' && r.finishedAt
          ? [{ version: r.toVersion, at: r.finishedAt }]
          : [],
      ),
    ].sort((a, b) => a.at.localeCompare(b.at));
    const periods = new Map<string, { from: string; until?: string }>();
    switches.forEach((change, index) => {
      periods.set(change.version, {
        from: change.at,
        until: switches[index + 1]?.at,
      });
    });
    return periods;
  }

  /** The version live before `liveVersion`: from the promotion that published it, else the highest below it. */
  private async previousVersion(
    target: FunctionLocation,
    liveVersion: string,
  ): Promise<string> {
    const promotions = await this.options.store.listPromotions({
      target,
      statuses: ['succeeded'],
    });
    const promotedLive = promotions.find(
      p => p.publishedVersion === liveVersion && p.previousVersion,
    );
    if (
      promotedLive?.previousVersion &&
      promotedLive.previousVersion !== liveVersion
    ) {
      return promotedLive.previousVersion;
    }
    const reader = await this.options.deployers.forRead(target);
    const earlier = (await reader.listVersions(target.functionName))
      .map(v => Number(v.version))
      .filter(v => v < Number(liveVersion));
    if (earlier.length === 0) {
      throw new ConflictError(
        `${target.functionName} has no published version before ${liveVersion}: nothing to roll back to`,
      );
    }
    return String(Math.max(...earlier));
  }

  private async finish(
    record: StoredRollback,
    status: 'succeeded' | 'failed',
    reason: string,
    error?: Error,
  ): Promise<void> {
    const at = this.now().toISOString();
    const intentionalDrift = status === 'succeeded' && !!record.aliasStackName;
    await this.options.store.updateRollback(record.id, {
      status,
      statusReason: reason,
      finishedAt: at,
      intentionalDrift,
    });
    await this.options.activity.record({
      subject: { type: 'rollback', id: record.id },
      entityRef: record.entityRef,
      event: status,
      actor: record.requestedBy,
      at,
      detail: reason,
      severity: status === 'succeeded' ? 'high' : 'critical',
      error,
    });
    const entity = await this.getEntity(record.entityRef).catch(
      () => undefined,
    );
    await this.options.activity.notify({
      recipients: [record.requestedBy, ...(entity ? ownerRefs(entity) : [])],
      exclude: record.requestedBy,
      title: `Rollback ${status}: ${record.entityRef.split('/').pop()} in ${
        record.environment
      }`,
      description: `${record.requestedBy}: version ${record.fromVersion} → ${record.toVersion}. ${reason}`,
      link: (this.options.rollbackLink ?? defaultRollbackLink)(record.id),
      scope: `rollback:${record.id}`,
      topic: 'environments-rollback',
      severity: status === 'succeeded' ? 'normal' : 'high',
    });
  }

  private async view(rollback: StoredRollback): Promise<RollbackRecord> {
    const subject = { type: 'rollback' as const, id: rollback.id };
    const [steps, history] = await Promise.all([
      this.options.store.listSteps(subject),
      this.options.store.listEvents(subject),
    ]);
    const { driftClearedAt: _cleared, ...fields } = rollback;
    return { ...fields, steps, history };
  }

  private async locate(
    entity: Entity,
    environment: string,
  ): Promise<FunctionResource> {
    const located = await this.options.locator.locate(entity, [environment]);
    const target = located[environment];
    if (!target) {
      throw new NotFoundError(
        `${stringifyEntityRef(entity)} has no function in ${environment}`,
      );
    }
    return target;
  }

  private getEntity(entityRef: string): Promise<Entity> {
    return getCatalogEntity(this.options, entityRef);
  }

  private now(): Date {
    return (this.options.clock ?? (() => new Date()))();
  }
}
