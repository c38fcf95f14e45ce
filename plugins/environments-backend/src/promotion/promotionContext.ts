import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { DeployerSource } from '../aws/types';
import { ApproverDirectory } from '../catalog/Approvers';
import { getCatalogEntity } from '../catalog/entityRefs';
import { FunctionLocator } from '../matrix/FunctionLocator';
import { PromotionConfig } from './config';
import { defaultPromotionLink } from './lifecycle';
import { PromotionActivity } from './PromotionActivity';
import { PromotionExecutor } from './PromotionExecutor';
import { PromotionStore } from './PromotionStore';
import { PromotionRequestGate } from './requestGate';

/** Options of the PromotionService. */
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
  /** Checked where a request is made: may refuse it, or add warnings for its approvers. */
  gate?: PromotionRequestGate;
}

/** What the parts of the promotion service share: its options, the time, links and the catalog. */
export interface PromotionContext extends PromotionServiceOptions {
  now(): Date;
  /** The link to a request in the portal, for notifications. */
  link(id: string): string;
  /** The service's catalog entity, read with the plugin's own credentials. */
  getEntity(entityRef: string): Promise<Entity>;
}

/** The context of the promotion service's parts, from its options. */
export function promotionContext(
  options: PromotionServiceOptions,
): PromotionContext {
  return {
    ...options,
    now: () => (options.clock ?? (() => new Date()))(),
    link: id => (options.promotionLink ?? defaultPromotionLink)(id),
    getEntity: entityRef => getCatalogEntity(options, entityRef),
  };
}
