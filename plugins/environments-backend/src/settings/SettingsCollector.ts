import {
  EnvironmentDefinition,
  EnvironmentMatrix,
  primaryFunction,
} from '@internal/backstage-plugin-environments-common';
import {
  AwsLocation,
  ParameterReader,
  SecretNameReader,
  StoredParameter,
} from '../aws/types';
import { environmentPath, secretPrefixes } from './paths';
import { EnvironmentSettingsSnapshot } from './types';

/** The Parameter Store and Secrets Manager readers of an account-region; the AwsClientFactory in the plugin. */
export interface SettingsReaderSource {
  forLocation(location: AwsLocation): Promise<{
    parameterStore: ParameterReader;
    secrets: SecretNameReader;
  }>;
}

/** The service as the collector needs it. */
export interface SettingsService {
  project: string;
  component: string;
}

/**
 * Reads a service's parameters and secret names in each environment where it runs: one paged
 * GetParametersByPath per path and one paged ListSecrets per environment, in the account and region of
 * the function that stands for the service there. Lambda variables are not read here: the collector's
 * GetFunction stored them with the matrix.
 */
export class SettingsCollector {
  private readonly readers: SettingsReaderSource;
  private readonly environments: EnvironmentDefinition[];
  private readonly pathPatterns: string[];
  private readonly now: () => Date;

  constructor(options: {
    readers: SettingsReaderSource;
    environments: EnvironmentDefinition[];
    /** `environments.settings.parameterPaths`. */
    pathPatterns: string[];
    now?: () => Date;
  }) {
    this.readers = options.readers;
    this.environments = options.environments;
    this.pathPatterns = options.pathPatterns;
    this.now = options.now ?? (() => new Date());
  }

  /** The paths of the service in every environment, by environment name. */
  pathsByEnvironment(service: SettingsService): Record<string, string[]> {
    return Object.fromEntries(
      this.environments.map(environment => [
        environment.name,
        this.pathPatterns.map(p => environmentPath(p, service, environment)),
      ]),
    );
  }

  /** One snapshot per environment where the service runs; a location that fails gives a snapshot with its error. */
  async collect(
    service: SettingsService,
    matrix: EnvironmentMatrix,
    signal?: AbortSignal,
  ): Promise<EnvironmentSettingsSnapshot[]> {
    const paths = this.pathsByEnvironment(service);
    const snapshots: EnvironmentSettingsSnapshot[] = [];
    for (const environment of this.environments) {
      const state = matrix.environments.find(
        e => e.environment === environment.name,
      );
      const fn = state?.status === 'ok' ? primaryFunction(state) : undefined;
      if (!fn) {
        continue;
      }
      const snapshot: EnvironmentSettingsSnapshot = {
        environment: environment.name,
        paths: paths[environment.name],
        parameters: [],
        secretNames: [],
        collectedAt: this.now().toISOString(),
      };
      try {
        const readers = await this.readers.forLocation(fn);
        const byName = new Map<string, StoredParameter>();
        for (const path of snapshot.paths) {
          // Paths may nest (/shop/prod/ and /shop/prod/api/): a parameter is kept once.
          for (const p of await readers.parameterStore.listParameters(
            path,
            signal,
          )) {
            byName.set(p.name, p);
          }
        }
        snapshot.parameters = [...byName.values()];
        snapshot.secretNames = await readers.secrets.listSecretNames(
          snapshot.paths.flatMap(secretPrefixes),
          signal,
        );
      } catch (error) {
        signal?.throwIfAborted();
        snapshot.error = `${fn.accountId}/${fn.region}: ${
          (error as Error).message
        }`;
      }
      snapshots.push(snapshot);
    }
    return snapshots;
  }
}
