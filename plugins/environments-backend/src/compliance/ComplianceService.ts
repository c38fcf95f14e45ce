import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ComplianceSummary,
  EnvironmentDefinition,
  Finding,
  FindingKind,
  FindingSeverity,
} from '@internal/backstage-plugin-environments-common';
import { ServiceDescriptor } from '../matrix/collector/types';
import { MatrixStore } from '../matrix/MatrixStore';
import {
  ComplianceConfig,
  DeclaredOverrides,
  FindingsFilter,
  FindingsStore,
  StackDriftCheck,
  StackDriftRunResult,
  StackDriftStore,
  StackDriftTarget,
  StoredFinding,
  evaluateService,
  stackDriftTargets,
} from '.';
import { RefreshListener } from '../matrix/RefreshService';
import { IntendedDriftSource, intendedAliasDrifts } from './intendedDrift';
import { ComplianceFacts } from '../catalog/ServiceCatalog';

/** What the catalog says about the services; a ServiceCatalog in the plugin. */
export interface ComplianceFactsSource {
  listServiceFacts(): Promise<ComplianceFacts[]>;
  getServiceFacts(entityRef: string): Promise<ComplianceFacts | undefined>;
}

/** Reads what a service's repository declares; a DeclaredConfigurationReader in the plugin. */
export interface DeclaredOverridesSource {
  read(
    sourceLocation: string | undefined,
    environments: string[],
  ): Promise<DeclaredOverrides>;
}

/** Findings a feature of its own evaluates for a service (the configuration matrix's). */
export interface AdditionalFindingsSource {
  findingsFor(facts: ComplianceFacts): Promise<Finding[]>;
}

/** Runs CloudFormation drift detection within a budget; a StackDriftChecker in the plugin. */
export interface StackDriftRunner {
  run(
    targets: StackDriftTarget[],
    options?: { budget?: number; signal?: AbortSignal },
  ): Promise<StackDriftRunResult>;
}

/** A service's findings, their counts, and the drift checks of the stacks it has now. */
export interface ServiceFindings {
  items: StoredFinding[];
  summary: ComplianceSummary;
  /** The last drift check of each stack holding one of its functions; stacks never checked are absent. */
  stacks: StackDriftCheck[];
}

// Services evaluated at once after a fleet refresh: each waits mostly on the database and the
// repository reads, so a few in parallel shorten the run without crowding the database.
const EVALUATION_CONCURRENCY = 4;

function stackKey(stack: {
  accountId: string;
  region: string;
  stackName: string;
}): string {
  return `${stack.accountId}/${stack.region}/${stack.stackName}`;
}

/**
 * Keeps every service's findings up to date: evaluates a service after each refresh (from its stored
 * matrix, what the catalog and its repository declare, and its stored CloudFormation drift checks) and
 * replaces its findings; runs CloudFormation drift detection on schedule or on demand.
 */
export class ComplianceService implements RefreshListener {
  private readonly environments: EnvironmentDefinition[];
  private readonly config: ComplianceConfig;
  private readonly matrices: Pick<MatrixStore, 'getMatrix'>;
  private readonly findings: FindingsStore & StackDriftStore;
  private readonly services: ComplianceFactsSource;
  private readonly declared?: DeclaredOverridesSource;
  private readonly driftChecker: StackDriftRunner;
  private readonly intendedDrift?: IntendedDriftSource;
  private readonly additional: AdditionalFindingsSource[];
  private readonly logger: LoggerService;
  private readonly now: () => Date;
  /** The evaluation under way per service: evaluations of one service never overlap. */
  private readonly evaluations = new Map<string, Promise<unknown>>();
  private readonly driftChecks = new Map<string, Promise<ServiceFindings>>();

  constructor(options: {
    environments: EnvironmentDefinition[];
    config: ComplianceConfig;
    matrices: Pick<MatrixStore, 'getMatrix'>;
    findings: FindingsStore & StackDriftStore;
    services: ComplianceFactsSource;
    /** Absent when `environments.compliance.readRepositoryFiles` is false. */
    declared?: DeclaredOverridesSource;
    driftChecker: StackDriftRunner;
    /** Rollbacks whose drift from a stack-owned alias is intended; absent: none is. */
    intendedDrift?: IntendedDriftSource;
    /** Findings other features evaluate (settings/: the configuration matrix), stored with these. */
    additionalFindings?: AdditionalFindingsSource[];
    logger: LoggerService;
    now?: () => Date;
  }) {
    this.environments = options.environments;
    this.config = options.config;
    this.matrices = options.matrices;
    this.findings = options.findings;
    this.services = options.services;
    this.declared = options.declared;
    this.driftChecker = options.driftChecker;
    this.intendedDrift = options.intendedDrift;
    this.additional = options.additionalFindings ?? [];
    this.logger = options.logger;
    this.now = options.now ?? (() => new Date());
  }

  /** After a fleet refresh: evaluates every service of the catalog. */
  async fleetRefreshed(
    _services: ServiceDescriptor[],
    signal?: AbortSignal,
  ): Promise<void> {
    await this.evaluateFleet(signal);
  }

  /** After an on-demand refresh: evaluates that service. */
  async serviceRefreshed(service: ServiceDescriptor): Promise<void> {
    const facts = await this.services.getServiceFacts(service.entityRef);
    if (facts) {
      await this.evaluate(facts);
    }
  }

  /**
   * Evaluates every service of the fleet and forgets the services that left it. A service
   * whose evaluation fails keeps its previous findings; the others go on.
   */
  async evaluateFleet(signal?: AbortSignal): Promise<void> {
    const services = await this.services.listServiceFacts();
    const queue = [...services];
    let failed = 0;
    const worker = async () => {
      for (let facts = queue.shift(); facts; facts = queue.shift()) {
        signal?.throwIfAborted();
        try {
          await this.evaluate(facts);
        } catch (error) {
          failed += 1;
          this.logger.warn(
            `Could not evaluate ${facts.entityRef}: ${
              (error as Error).message
            }`,
          );
        }
      }
    };
    await Promise.all(
      Array.from({ length: EVALUATION_CONCURRENCY }, () => worker()),
    );

    await this.findings.removeServicesExcept(services.map(s => s.entityRef));
    this.logger.info(
      `Evaluated ${services.length - failed} services${
        failed ? `; ${failed} could not be evaluated` : ''
      }`,
    );
  }

  /** Evaluates one service now and replaces its findings; returns them. */
  async evaluate(facts: ComplianceFacts): Promise<StoredFinding[]> {
    const { entityRef } = facts;
    const previous = this.evaluations.get(entityRef) ?? Promise.resolve();
    const evaluation = previous
      .catch(() => undefined)
      .then(async () => {
        const [matrix, stackDrift, declaredOverrides] = await Promise.all([
          this.matrices.getMatrix(entityRef),
          this.findings.listStackDriftChecks({ entityRef }),
          this.declared?.read(
            facts.sourceLocation,
            this.environments.map(e => e.name),
          ),
        ]);
        const found = evaluateService({
          matrix,
          environments: this.environments,
          service: facts,
          config: this.config,
          declaredOverrides,
          stackDrift,
          intendedDrift: await intendedAliasDrifts(this.intendedDrift, matrix),
        });
        for (const source of this.additional) {
          found.push(...(await source.findingsFor(facts)));
        }
        return this.findings.replaceFindings(entityRef, found, this.now());
      });
    this.evaluations.set(entityRef, evaluation);
    try {
      return await evaluation;
    } finally {
      if (this.evaluations.get(entityRef) === evaluation) {
        this.evaluations.delete(entityRef);
      }
    }
  }

  /** A service's stored findings, their summary, and the drift checks of its current stacks. */
  async getFindings(entityRef: string): Promise<ServiceFindings> {
    const [items, summary, matrix, checks] = await Promise.all([
      this.findings.listFindings({ entityRef }),
      this.findings.summary(entityRef),
      this.matrices.getMatrix(entityRef),
      this.findings.listStackDriftChecks({ entityRef }),
    ]);
    const current = new Set(stackDriftTargets(matrix).map(stackKey));
    return {
      items,
      summary,
      stacks: checks.filter(check => current.has(stackKey(check))),
    };
  }

  /** Findings of the whole fleet (or of one service), filtered. */
  listFindings(filter?: FindingsFilter): Promise<StoredFinding[]> {
    return this.findings.listFindings(filter);
  }

  /** One summary per evaluated service; with a filter, the services having such a finding. */
  listSummaries(filter?: {
    kind?: FindingKind;
    severity?: FindingSeverity;
  }): Promise<ComplianceSummary[]> {
    return this.findings.fleetSummary(filter);
  }

  /**
   * Runs CloudFormation drift detection on every stack of one service now, whatever the scheduled
   * budget, then re-evaluates the service. Concurrent requests for one service share one run, so
   * repeated clicks do not spend the CloudFormation quota again.
   */
  async checkDrift(entityRef: string): Promise<ServiceFindings> {
    const running = this.driftChecks.get(entityRef);
    if (running) {
      return running;
    }
    const check = (async () => {
      const targets = stackDriftTargets(
        await this.matrices.getMatrix(entityRef),
      );
      if (targets.length > 0) {
        await this.driftChecker.run(targets, { budget: targets.length });
      }
      const facts = await this.services.getServiceFacts(entityRef);
      if (facts) {
        await this.evaluate(facts);
      }
      return this.getFindings(entityRef);
    })();
    this.driftChecks.set(entityRef, check);
    try {
      return await check;
    } finally {
      this.driftChecks.delete(entityRef);
    }
  }

  /**
   * The scheduled drift check: the stacks of every service, within the configured budget (those
   * checked longest ago first), then re-evaluates the services whose stacks were checked.
   */
  async runScheduledDriftCheck(signal?: AbortSignal): Promise<void> {
    const services = await this.services.listServiceFacts();
    const targets: StackDriftTarget[] = [];
    for (const facts of services) {
      targets.push(
        ...stackDriftTargets(await this.matrices.getMatrix(facts.entityRef)),
      );
    }
    const { checks, deferred } = await this.driftChecker.run(targets, {
      signal,
    });
    const touched = new Set(checks.map(check => check.entityRef));
    for (const facts of services.filter(s => touched.has(s.entityRef))) {
      signal?.throwIfAborted();
      try {
        await this.evaluate(facts);
      } catch (error) {
        this.logger.warn(
          `Could not evaluate ${facts.entityRef} after its drift check: ${
            (error as Error).message
          }`,
        );
      }
    }
    const count = (status: StackDriftCheck['status']) =>
      checks.filter(check => check.status === status).length;
    this.logger.info(
      `CloudFormation drift: ${count('checked')} stacks checked, ${count(
        'not-checked',
      )} not checkable here, ${count(
        'failed',
      )} failed, ${deferred} left for a later run`,
    );
  }
}
