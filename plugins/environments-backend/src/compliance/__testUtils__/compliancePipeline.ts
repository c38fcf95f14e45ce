import { Config } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { EnvironmentDefinition } from '@internal/backstage-plugin-environments-common';
import { Knex } from 'knex';
import {
  EnvironmentCollector,
  RefreshResult,
  ServiceDescriptor,
} from '../../matrix/collector/types';
import { DatabaseMatrixStore } from '../../matrix/DatabaseMatrixStore';
import { migrateDatabase } from '../../migrations';
import { readComplianceConfig } from '../config';
import { DatabaseFindingsStore } from '../DatabaseFindingsStore';
import { evaluateService } from '../evaluateService';
import { StoredFinding } from '../FindingsStore';

/** Function settings an environment declares, as config spells them. */
export type Declared = {
  memory: number;
  timeout: number;
  reservedConcurrency: number;
};

/**
 * The `environments` config section of the demo's compliance rules: each environment declares
 * `declared[name]`, functions and stacks are named `{project}-{component}-{env}`, and every function
 * carries `requiredTags`.
 */
export function complianceConfig(options: {
  environments: EnvironmentDefinition[];
  declared: Record<string, Declared>;
  requiredTags: string[];
  /** `compliance.parity.allowedToDiffer`; the default when absent. */
  allowedToDiffer?: string[];
}): JsonObject {
  return {
    definitions: options.environments.map(env => ({
      name: env.name,
      shortName: env.shortName,
      longName: env.longName,
      locations: env.locations.map(location => ({ ...location })),
      declared: options.declared[env.name],
    })),
    compliance: {
      naming: {
        conventions: {
          lambdaFunction: '{project}-{component}-{env}',
          cloudFormationStack: '{project}-{component}-{env}',
        },
      },
      tags: { required: options.requiredTags },
      ...(options.allowedToDiffer && {
        parity: { allowedToDiffer: options.allowedToDiffer },
      }),
    },
  };
}

interface Fleet {
  config: Config;
  environments: EnvironmentDefinition[];
  services: ServiceDescriptor[];
  collector: EnvironmentCollector;
}

/** What the plugin does after each refresh: store the matrix, evaluate every service, store its findings. */
export class CompliancePipeline {
  static async create(
    options: Fleet & { database: Knex },
  ): Promise<CompliancePipeline> {
    await migrateDatabase({ getClient: async () => options.database });
    const matrices = new DatabaseMatrixStore(
      options.database,
      options.environments,
    );
    return new CompliancePipeline(
      options,
      matrices,
      new DatabaseFindingsStore(options.database),
    );
  }

  private constructor(
    private readonly fleet: Fleet,
    readonly matrices: DatabaseMatrixStore,
    readonly findings: DatabaseFindingsStore,
  ) {}

  /** Refreshes the whole fleet and evaluates every service. */
  async refreshAndEvaluate(
    now: Date,
  ): Promise<{ result: RefreshResult; findings: StoredFinding[] }> {
    const { config, environments, services, collector } = this.fleet;
    const result = await collector.collect({ environments, services });
    await this.matrices.saveRefresh(result, services, { replaceFleet: true });
    const compliance = readComplianceConfig(config, environments);
    const stackDrift = await this.findings.listStackDriftChecks();
    for (const service of services) {
      const evaluated = evaluateService({
        matrix: await this.matrices.getMatrix(service.entityRef),
        environments,
        service,
        config: compliance,
        stackDrift: stackDrift.filter(
          check => check.entityRef === service.entityRef,
        ),
      });
      await this.findings.replaceFindings(service.entityRef, evaluated, now);
    }
    return { result, findings: await this.findings.listFindings() };
  }
}

/** A finding as one row to compare: component, environment, kind, rule, subject. */
export function findingRow(finding: StoredFinding) {
  return [
    finding.entityRef.replace('component:default/', ''),
    finding.environment,
    finding.kind,
    finding.rule,
    finding.subject,
  ];
}
