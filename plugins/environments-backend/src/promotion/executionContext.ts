import { LoggerService } from '@backstage/backend-plugin-api';
import { DeployerSource } from '../aws/types';
import { PromotionConfig } from './config';
import { PromotionActivity } from './PromotionActivity';
import { PromotionStore } from './PromotionStore';
import { SmokeCheck } from './smokeCheck';
import { StepRunner } from '../steps/StepRunner';

/** Options of the PromotionExecutor. */
export interface PromotionExecutorOptions {
  store: PromotionStore;
  deployers: DeployerSource;
  activity: PromotionActivity;
  config: PromotionConfig;
  logger: LoggerService;
  /** Default: an HTTP GET with `environments.promotion.smokeCheck`. */
  smokeCheck?: SmokeCheck;
  clock?: () => Date;
  /** Identifies this backend instance in the lease; default a random UUID. */
  instanceId?: string;
  /** How long a running request stays claimed without renewal; renewed every third of it. Default 2 minutes. */
  leaseMs?: number;
  sleep?: (ms: number) => Promise<void>;
  promotionLink?: (id: string) => string;
  /** The runner shared with rollbacks; default one of its own, from the options above. */
  runner?: StepRunner;
}

/** What the parts of the executor share: its options, and the step runner (this instance's identity in leases). */
export interface ExecutionContext {
  options: PromotionExecutorOptions;
  runner: StepRunner;
  instanceId: string;
  smokeCheck: SmokeCheck;
  now(): Date;
}
