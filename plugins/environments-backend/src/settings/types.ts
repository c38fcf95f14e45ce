import { StoredParameter } from '../aws/types';

export type {
  PromotionGateMode,
  SettingLocation,
} from '@internal/backstage-plugin-environments-common';

/** What was read of one environment of one service: its parameters and secrets under the environment's paths. */
export interface EnvironmentSettingsSnapshot {
  environment: string;
  /** The Parameter Store paths read, e.g. `/shop/prod/checkout-api/`. */
  paths: string[];
  parameters: StoredParameter[];
  /** Names of the Secrets Manager secrets under those paths. */
  secretNames: string[];
  /** When it was read, ISO 8601. */
  collectedAt: string;
  /** Why a location could not be read; what could be read is kept. */
  error?: string;
}

/** Keeps the last snapshot of every service's environments. */
export interface SettingsStore {
  /** Replaces the snapshots of a service (one per environment read). */
  saveSnapshots(
    entityRef: string,
    snapshots: EnvironmentSettingsSnapshot[],
  ): Promise<void>;
  /** The last snapshots of a service, one per environment read. */
  getSnapshots(entityRef: string): Promise<EnvironmentSettingsSnapshot[]>;
  /** Forgets every service not in `keep` (the fleet after a full refresh). */
  removeServicesExcept(keep: string[]): Promise<void>;
}

/** A rule on one variable: where it must be and where it must not be. */
export interface VariableRule {
  name: string;
  /** Environments it must be present in; `all` is every configured environment. */
  required: string[];
  /** Environments it must be absent from. */
  forbidden: string[];
  /** Where the rule was declared: a config key or a file and line. */
  declaredAt: string;
}

/** A feature flag's plan: on or off per environment. */
export interface FlagRule {
  name: string;
  /** Planned value per environment; environments not listed are not checked (unless they follow another). */
  plan: Record<string, boolean>;
  declaredAt: string;
}

/** "Environment X's flags match environment Y's plan" (e.g. staging follows prod). */
export interface FollowRule {
  environment: string;
  follows: string;
  declaredAt: string;
}

/** The rules of a service: the app-config's, then its repository's (which add to them). */
export interface SettingsRules {
  variables: VariableRule[];
  flags: FlagRule[];
  follows: FollowRule[];
}
