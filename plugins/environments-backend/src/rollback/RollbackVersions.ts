import { AuthService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  FunctionLocation,
  FunctionResource,
  FunctionVersionSummary,
} from '@internal/backstage-plugin-environments-common';
import { DeployerSource } from '../aws/types';
import { getCatalogEntity } from '../catalog/entityRefs';
import { FunctionLocator } from '../matrix/FunctionLocator';
import { PromotionConfig } from '../promotion/config';
import { PromotionStore } from '../promotion/PromotionStore';

/**
 * The versions a rollback chooses from: a service's function in an environment, its published
 * versions with when each was live (as far as this product switched it), and the version live before.
 */
export class RollbackVersions {
  constructor(
    private readonly options: {
      store: PromotionStore;
      catalog: CatalogService;
      auth: AuthService;
      locator: FunctionLocator;
      deployers: DeployerSource;
      config: PromotionConfig;
    },
  ) {}

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
  async livePeriods(
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
  async previousVersion(
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

  async locate(entity: Entity, environment: string): Promise<FunctionResource> {
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
}
