import { LoggerService, UrlReaderService } from '@backstage/backend-plugin-api';
import { EnvironmentDefinition } from '@internal/backstage-plugin-environments-common';
import { Knex } from 'knex';
import { DeclaredConfigurationReader } from '../compliance/declared';
import { MatrixStore } from '../matrix/MatrixStore';
import { SettingsConfig } from './config';
import { DatabaseSettingsStore } from './DatabaseSettingsStore';
import { SettingsCollector, SettingsReaderSource } from './SettingsCollector';
import { SettingsService } from './SettingsService';

/** Builds the configuration matrix's service from the plugin's config and the shared services. */
export function createSettings(
  options: {
    config: { settings: SettingsConfig; environments: EnvironmentDefinition[] };
    aws: SettingsReaderSource;
    urlReader: UrlReaderService;
    logger: LoggerService;
  },
  built: { knex: Knex; matrices: Pick<MatrixStore, 'getMatrix'> },
): SettingsService {
  const { settings: config, environments } = options.config;
  return new SettingsService({
    environments,
    config,
    collector: new SettingsCollector({
      readers: options.aws,
      environments,
      pathPatterns: config.parameterPaths,
    }),
    store: new DatabaseSettingsStore(built.knex),
    matrices: built.matrices,
    repository: config.readRepositoryFile
      ? new DeclaredConfigurationReader(options.urlReader)
      : undefined,
    logger: options.logger,
  });
}
