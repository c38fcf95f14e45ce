import { LoggerService } from '@backstage/backend-plugin-api';
import {
  EnvironmentDefinition,
  EnvironmentMatrix,
  Finding,
  PromotionGate,
} from '@internal/backstage-plugin-environments-common';
import { ComplianceFacts } from '../catalog/ServiceCatalog';
import { repositoryBaseUrl } from '../compliance/declared';
import { ServiceDescriptor } from '../matrix/collector/types';
import { MatrixStore } from '../matrix/MatrixStore';
import { RefreshListener } from '../matrix/RefreshService';
import { SettingsConfig } from './config';
import { evaluateSettings } from './evaluateSettings';
import { combineRules, NO_RULES, parseRuleFile } from './rules';
import { SettingsCollector } from './SettingsCollector';
import {
  EnvironmentSettingsSnapshot,
  SettingsRules,
  SettingsStore,
} from './types';

/** The repository file of a service that adds rules to the app-config's. */
export const RULE_FILE = 'envs/settings.yaml';

/** Reads a file of a service's repository (ETag-cached); undefined when it does not exist. */
export interface RepositoryFileSource {
  readFile(url: string): Promise<string | undefined>;
}

/** What the configuration matrix knows of one service, read for the API or the gate. */
export interface ServiceSettings {
  matrix: EnvironmentMatrix;
  snapshots: EnvironmentSettingsSnapshot[];
  rules: SettingsRules;
  findings: Finding[];
  pathsByEnvironment: Record<string, string[]>;
}

// Services read at once after a fleet refresh: each waits on Parameter Store and Secrets Manager, whose
// calls the account-region's limiter spaces anyway.
const COLLECTION_CONCURRENCY = 4;

/**
 * The configuration matrix: after each refresh, reads the service's parameters and secret names (the
 * Lambda variables came with the refresh), keeps them, and evaluates them against the rules of the
 * app-config and of the service's repository for the compliance findings and the promotion gate.
 */
export class SettingsService implements RefreshListener {
  private readonly environments: EnvironmentDefinition[];
  private readonly config: SettingsConfig;
  private readonly collector: SettingsCollector;
  private readonly store: SettingsStore;
  private readonly matrices: Pick<MatrixStore, 'getMatrix'>;
  private readonly repository?: RepositoryFileSource;
  private readonly logger: LoggerService;

  constructor(options: {
    environments: EnvironmentDefinition[];
    config: SettingsConfig;
    collector: SettingsCollector;
    store: SettingsStore;
    matrices: Pick<MatrixStore, 'getMatrix'>;
    /** Absent when `environments.settings.readRepositoryFile` is false. */
    repository?: RepositoryFileSource;
    logger: LoggerService;
  }) {
    this.environments = options.environments;
    this.config = options.config;
    this.collector = options.collector;
    this.store = options.store;
    this.matrices = options.matrices;
    this.repository = options.repository;
    this.logger = options.logger;
  }

  async fleetRefreshed(
    services: ServiceDescriptor[],
    signal?: AbortSignal,
  ): Promise<void> {
    const queue = [...services];
    const worker = async () => {
      for (let service = queue.shift(); service; service = queue.shift()) {
        signal?.throwIfAborted();
        await this.serviceRefreshed(service, signal);
      }
    };
    await Promise.all(
      Array.from({ length: COLLECTION_CONCURRENCY }, () => worker()),
    );
    await this.store.removeServicesExcept(services.map(s => s.entityRef));
  }

  /** Reads and keeps one service's parameters and secret names; a failure keeps the previous ones. */
  async serviceRefreshed(
    service: ServiceDescriptor,
    signal?: AbortSignal,
  ): Promise<void> {
    try {
      const matrix = await this.matrices.getMatrix(service.entityRef);
      const snapshots = await this.collector.collect(service, matrix, signal);
      await this.store.saveSnapshots(service.entityRef, snapshots);
    } catch (error) {
      signal?.throwIfAborted();
      this.logger.warn(
        `Could not read the configuration of ${service.entityRef}: ${
          (error as Error).message
        }`,
      );
    }
  }

  /** The findings of a service's configuration (compliance adds them to its others). */
  async findingsFor(facts: ComplianceFacts): Promise<Finding[]> {
    return (await this.read(facts)).findings;
  }

  /** Everything the configuration matrix knows of one service. */
  async read(facts: ComplianceFacts): Promise<ServiceSettings> {
    const [matrix, snapshots, repositoryRules] = await Promise.all([
      this.matrices.getMatrix(facts.entityRef),
      this.store.getSnapshots(facts.entityRef),
      this.repositoryRules(facts.sourceLocation),
    ]);
    const rules = combineRules(this.config.rules, repositoryRules.rules);
    const pathsByEnvironment = this.collector.pathsByEnvironment(facts);
    const findings = [
      ...repositoryRules.problems,
      ...evaluateSettings({
        matrix,
        environments: this.environments,
        snapshots,
        rules,
        pathsByEnvironment,
      }),
    ];
    return { matrix, snapshots, rules, findings, pathsByEnvironment };
  }

  /** What a promotion into `environment` meets there, and whether the config says it blocks. */
  async gate(
    facts: ComplianceFacts,
    environment: string,
  ): Promise<PromotionGate> {
    const { findings } = await this.read(facts);
    return gateResult(this.config, environment, findings);
  }

  /** The repository's rules; an unusable file is a finding, so its owners see it, and adds no rule. */
  private async repositoryRules(
    sourceLocation: string | undefined,
  ): Promise<{ rules: SettingsRules; problems: Finding[] }> {
    if (!this.repository || !sourceLocation) {
      return { rules: NO_RULES, problems: [] };
    }
    let url = RULE_FILE;
    try {
      url = new URL(RULE_FILE, repositoryBaseUrl(sourceLocation)).toString();
      const contents = await this.repository.readFile(url);
      return {
        rules: contents
          ? parseRuleFile(
              contents,
              url,
              this.environments.map(e => e.name),
            )
          : NO_RULES,
        problems: [],
      };
    } catch (error) {
      return {
        rules: NO_RULES,
        problems: [
          {
            kind: 'settings',
            severity: 'warning',
            environment: this.environments[0]?.name ?? '',
            resource: url,
            rule: 'settings.rules-unreadable',
            message: `The configuration rules could not be used: ${
              (error as Error).message
            }`,
          },
        ],
      };
    }
  }
}

/** The gate of one environment from a service's findings: only that environment's count. */
export function gateResult(
  config: Pick<SettingsConfig, 'promotionGate'>,
  environment: string,
  findings: Finding[],
): PromotionGate {
  const mode = config.promotionGate[environment] ?? 'warn';
  const mine = findings.filter(
    f =>
      f.environment === environment && f.rule !== 'settings.rules-unreadable',
  );
  return {
    environment,
    mode,
    // Parameters that could not be read are said, but do not stop a promotion by themselves.
    blocks:
      mode === 'block' && mine.some(f => f.rule !== 'settings.unreadable'),
    findings: mine,
  };
}

/** Tells each listener in turn: the configuration is read before compliance evaluates it. */
export function listenersInOrder(
  ...listeners: RefreshListener[]
): RefreshListener {
  return {
    async fleetRefreshed(services, signal) {
      for (const listener of listeners) {
        await listener.fleetRefreshed(services, signal);
      }
    },
    async serviceRefreshed(service) {
      for (const listener of listeners) {
        await listener.serviceRefreshed(service);
      }
    },
  };
}
