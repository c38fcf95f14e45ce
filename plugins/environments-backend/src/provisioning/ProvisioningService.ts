import {
  AuditorService,
  AuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { EnvironmentDefinition } from '@internal/backstage-plugin-environments-common';
import { ComplianceConfig } from '../compliance/types';
import {
  ProvisionedEnvironment,
  ServiceProvision,
  ServiceProvisionRequest,
} from '../schema/openapi/generated/models';
import { ProvisioningConfig } from './config';
import { ProvisionerSource } from '../aws/ProvisioningAdapter';
import {
  ProvisionStore,
  StoredProvision,
  toServiceProvision,
} from './ProvisionStore';
import {
  PlanProblem,
  planServiceStacks,
  serviceStackTemplate,
  serviceTagKeys,
} from './serviceStack';

/** What {@link ProvisioningService} needs. */
export interface ProvisioningServiceOptions {
  environments: EnvironmentDefinition[];
  compliance: ComplianceConfig;
  config: ProvisioningConfig;
  store: ProvisionStore;
  /** AWS access (the plugin's AwsClientFactory): reads with the read role, deploys as the user. */
  aws: ProvisionerSource;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  auditor?: AuditorService;
}

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const COST_CENTER = /^[A-Za-z0-9][A-Za-z0-9_.:/=+@-]{0,255}$/;
/** A provision left running this long by a stopped instance may be taken over. */
const STALE_AFTER_MS = 15 * 60_000;

/**
 * Creates a new service's environments: checks the request (names, catalog, AWS), records the
 * provision, then per environment deploys its stack with the write role and creates the `live` alias.
 */
export class ProvisioningService {
  constructor(private readonly options: ProvisioningServiceOptions) {}

  /** Plans the service's environments (a dry run), or creates them as `userRef`, who may create services. */
  async provision(
    request: ServiceProvisionRequest,
    userRef: string,
  ): Promise<ServiceProvision> {
    const { config } = this.options;
    if (!config.initialImage) {
      throw new InputError(
        'Creating services is not configured: set environments.provisioning.initialImage (docs/configuration.md)',
      );
    }
    const entityRef = stringifyEntityRef({
      kind: 'component',
      namespace: 'default',
      name: request.component,
    });
    const owner = this.ownerRef(request.owner);
    const earlier = await this.options.store.get(entityRef);
    const { plan, problems } = await this.check(
      { ...request, owner },
      entityRef,
      earlier,
    );
    if (request.dryRun) {
      return { ...plan, problems };
    }
    if (problems.length > 0) {
      const message = problems.map(p => p.message).join('; ');
      throw problems.some(p => /already/.test(p.message))
        ? new ConflictError(message)
        : new InputError(message);
    }
    return this.run({ ...request, owner }, plan, userRef, earlier);
  }

  private ownerRef(owner: string): string {
    try {
      return stringifyEntityRef(
        parseEntityRef(owner, {
          defaultKind: 'group',
          defaultNamespace: 'default',
        }),
      );
    } catch {
      return owner;
    }
  }

  private template() {
    return serviceStackTemplate(serviceTagKeys(this.options.compliance.tags));
  }

  /** The plan and everything wrong with the request: fields, the catalog, and what AWS already holds. */
  private async check(
    request: ServiceProvisionRequest,
    entityRef: string,
    earlier: StoredProvision | undefined,
  ): Promise<{ plan: ServiceProvision; problems: PlanProblem[] }> {
    const { environments, config, compliance } = this.options;
    const problems: PlanProblem[] = [];
    for (const field of ['project', 'component'] as const) {
      if (!NAME.test(request[field])) {
        problems.push({
          field,
          message: `The ${field} '${
            request[field]
          }' breaks the naming convention: lower-case words joined by single dashes, starting with a letter (e.g. ${
            field === 'project' ? 'shop' : 'cart-api'
          })`,
        });
      }
    }
    if (!COST_CENTER.test(request.costCenter)) {
      problems.push({
        field: 'costCenter',
        message: `The cost center '${request.costCenter}' is not a tag value AWS accepts`,
      });
    }
    problems.push(...(await this.catalogProblems(request, entityRef)));
    const planned = planServiceStacks(
      request,
      environments,
      config.deployTo,
      compliance,
    );
    // Names built from a token already refused would only repeat that problem.
    if (!problems.some(p => p.field === 'project' || p.field === 'component')) {
      problems.push(...planned.problems);
    }
    const image = `${config.initialImage!.repository}:${
      config.initialImage!.tag
    }`;
    const plan: ServiceProvision = {
      entityRef,
      status: 'planned',
      image,
      template: this.template(),
      problems: [],
      environments: planned.stacks.map(stack => ({
        ...stack,
        status: stack.deploy ? 'planned' : 'skipped',
      })),
    };
    // AWS is only asked about names that are valid: a bad name cannot exist there.
    if (problems.length === 0) {
      problems.push(...(await this.awsProblems(plan.environments, earlier)));
    }
    return { plan, problems };
  }

  private async catalogProblems(
    request: ServiceProvisionRequest,
    entityRef: string,
  ): Promise<PlanProblem[]> {
    const { catalog, auth } = this.options;
    // The service's own credentials: a name is taken even by an entity the user cannot see.
    const credentials = await auth.getOwnServiceCredentials();
    const problems: PlanProblem[] = [];
    // A ref that cannot be parsed names no entity: the field's own check says what is wrong with it.
    const lookup = (ref: string, defaultKind?: string) => {
      let parsed: string;
      try {
        parsed = stringifyEntityRef(
          parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' }),
        );
      } catch {
        return Promise.resolve(undefined);
      }
      return catalog.getEntityByRef(parsed, { credentials });
    };
    const existing = NAME.test(request.component)
      ? await lookup(entityRef)
      : undefined;
    if (existing) {
      problems.push({
        field: 'component',
        message: `A service named '${
          request.component
        }' already exists in the catalog (${entityRef}, owned by ${
          existing.spec?.owner ?? 'nobody'
        }): choose another name`,
      });
    }
    const owner = await lookup(request.owner, 'group');
    if (!owner || owner.kind.toLowerCase() !== 'group') {
      problems.push({
        field: 'owner',
        message: `The owner '${request.owner}' is not a team (Group) in the catalog`,
      });
    }
    if (request.system && !(await lookup(request.system, 'system'))) {
      problems.push({
        field: 'system',
        message: `The system '${request.system}' is not in the catalog`,
      });
    }
    return problems;
  }

  /** The initial image must exist, and no stack or function may hold the names, in each deployed account. */
  private async awsProblems(
    environments: ProvisionedEnvironment[],
    earlier: StoredProvision | undefined,
  ): Promise<PlanProblem[]> {
    const { repository, tag } = this.options.config.initialImage!;
    const problems: PlanProblem[] = [];
    for (const env of environments.filter(e => e.deploy)) {
      const ours = earlier?.environments.find(
        e => e.environment === env.environment && e.status === 'created',
      );
      if (ours) continue;
      const aws = await this.options.aws.provisionerFor(env);
      const where = `in ${env.environment} (account ${env.accountId}, ${env.region})`;
      const digest = await aws.imageDigest(repository, tag);
      if (!digest) {
        problems.push({
          field: 'environments',
          message: `The initial image ${repository}:${tag} is not in ECR ${where}`,
        });
      }
      if (await aws.stack(env.stackName)) {
        problems.push({
          field: 'component',
          message: `A stack named ${env.stackName} already exists ${where}: choose another name`,
        });
      }
      if (await aws.functionExists(env.functionName)) {
        problems.push({
          field: 'component',
          message: `A function named ${env.functionName} already exists ${where}: choose another name`,
        });
      }
    }
    return problems;
  }

  private async run(
    request: ServiceProvisionRequest,
    plan: ServiceProvision,
    userRef: string,
    earlier: StoredProvision | undefined,
  ): Promise<ServiceProvision> {
    const { store, logger, auditor } = this.options;
    const environments = plan.environments.map(
      env =>
        earlier?.environments.find(
          e => e.environment === env.environment && e.status === 'created',
        ) ?? env,
    );
    const { dryRun, ...recorded } = request;
    const claim = await store.claim(
      {
        entityRef: plan.entityRef,
        requestedBy: userRef,
        request: recorded,
        environments,
        image: plan.image,
      },
      STALE_AFTER_MS,
    );
    if ('held' in claim) {
      if (claim.held.status === 'succeeded') {
        return toServiceProvision(claim.held, plan.template);
      }
      throw new ConflictError(
        `${plan.entityRef} is being created by ${claim.held.requestedBy} since ${claim.held.createdAt}`,
      );
    }
    const event = await auditor?.createEvent({
      eventId: 'service-provision',
      severityLevel: 'medium',
      meta: { entityRef: plan.entityRef, requestedBy: userRef },
    });
    let stored = claim.claimed;
    try {
      for (const env of environments.filter(
        e => e.deploy && e.status !== 'created',
      )) {
        env.status = 'running';
        await store.update(stored.id, environments);
        await this.deploy(env, plan, userRef);
        stored = await store.update(stored.id, environments);
        logger.info(
          `Created ${env.stackName} for ${plan.entityRef} in ${env.environment} (live → version ${env.liveVersion})`,
        );
      }
      stored = await store.update(stored.id, environments, {
        status: 'succeeded',
      });
      await event?.success({
        meta: {
          environments: environments
            .filter(e => e.deploy)
            .map(e => e.environment),
        },
      });
    } catch (error) {
      const failed = environments.find(e => e.status === 'running');
      const message = `${failed ? `${failed.environment}: ` : ''}${
        (error as Error).message
      }`;
      if (failed) Object.assign(failed, { status: 'failed', error: message });
      await store.update(stored.id, environments, {
        status: 'failed',
        error: message,
      });
      await event?.fail({ error: error as Error });
      throw new Error(
        `Could not create the environments of ${plan.entityRef}: ${message}`,
      );
    }
    return toServiceProvision(stored, plan.template);
  }

  private async deploy(
    env: ProvisionedEnvironment,
    plan: ServiceProvision,
    userRef: string,
  ) {
    const { repository, tag } = this.options.config.initialImage!;
    const aws = await this.options.aws.provisionerFor(env, userRef);
    const digest = await aws.imageDigest(repository, tag);
    if (!digest)
      throw new Error(`the initial image ${repository}:${tag} is not in ECR`);
    env.imageUri = aws.imageUri(repository, digest);
    await aws.createStack(
      env.stackName,
      plan.template,
      { ...env.parameters, ImageUri: env.imageUri },
      this.options.config.stackTimeoutSeconds,
    );
    const { version, codeSha256 } = await aws.latestVersion(env.functionName);
    if (codeSha256 && `sha256:${codeSha256}` !== digest) {
      throw new Error(
        `${env.functionName} version ${version} runs sha256:${codeSha256}, not the initial image ${digest}`,
      );
    }
    await aws.createLiveAlias(env.functionName, version);
    Object.assign(env, { status: 'created', liveVersion: version });
  }
}
