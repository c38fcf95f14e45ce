import { DemoEnvironment, DemoFleet, DemoService, DemoSettings } from './fleet';
import { ReleaseImage, releaseImage } from './images';

/** One function of the fleet as it should exist: what the seeder creates and checks. */
export interface PlannedFunction {
  environment: DemoEnvironment;
  service: DemoService;
  functionName: string;
  stackName: string;
  /** ECR repository in the function's own account. */
  repositoryName: string;
  /** Published versions, oldest first: version n runs releases[n - 1]; the last is live. */
  releases: ReleaseImage[];
  memorySize: number;
  timeout: number;
  reservedConcurrency: number;
  tags: Record<string, string>;
  /** The stack defines the `live` alias too (the emulator keeps it in the template only). */
  stackOwnsLiveAlias: boolean;
  /** The configuration matrix's settings of the function: the environment's, with the deployment's changes. */
  settings: Omit<DemoSettings, 'omit'>;
  /** Where its parameters and secrets live, e.g. `/shop/prod/checkout-api/`. */
  settingsPath: string;
}

/** The fleet's functions in one environment, in the order of the definition's services. */
export function planEnvironment(
  fleet: DemoFleet,
  environment: DemoEnvironment,
): PlannedFunction[] {
  return fleet.services.flatMap(service => {
    const deployment = service.environments[environment.name];
    if (!deployment) {
      return [];
    }
    const conventionalName = `${fleet.project}-${service.component}-${environment.shortName}`;
    // One value per name of FLEET_TAGS: parseDemoFleet accepts no other required tag.
    const tagValues: Record<string, string> = {
      Project: fleet.project,
      Component: service.component,
      Environment: environment.name,
      ManagedBy: 'CloudFormation',
      Owner: service.owner,
      CostCenter: service.costCenter,
    };
    const tags = Object.fromEntries(
      fleet.requiredTags
        .filter(tag => !deployment.omitTags?.includes(tag))
        .map(tag => [tag, tagValues[tag]]),
    );
    return [
      {
        environment,
        service,
        functionName: deployment.functionName ?? conventionalName,
        stackName: conventionalName,
        repositoryName: service.component,
        releases: deployment.releases.map(release =>
          releaseImage(service.component, release),
        ),
        memorySize: deployment.memorySize ?? environment.declared.memorySize,
        timeout: deployment.timeout ?? environment.declared.timeout,
        reservedConcurrency:
          deployment.reservedConcurrency ??
          environment.declared.reservedConcurrency,
        tags,
        stackOwnsLiveAlias: deployment.stackOwnsLiveAlias ?? false,
        settings: plannedSettings(
          service.component,
          environment.settings,
          deployment.settings,
        ),
        settingsPath: `/${fleet.project}/${environment.shortName}/${service.component}/`,
      },
    ];
  });
}

/** The environment's settings, then the deployment's, without what the deployment omits. */
function plannedSettings(
  component: string,
  environment: DemoSettings | undefined,
  deployment: DemoSettings | undefined,
): Omit<DemoSettings, 'omit'> {
  const omit = deployment?.omit ?? [];
  const merged = (
    key: 'variables' | 'parameters' | 'secureParameters' | 'secrets',
  ) =>
    Object.fromEntries(
      Object.entries({ ...environment?.[key], ...deployment?.[key] })
        .filter(([name]) => !omit.includes(name))
        .map(([name, value]) => [
          name,
          value.replace(/\{component\}/g, component),
        ]),
    );
  return {
    variables: merged('variables'),
    parameters: merged('parameters'),
    secureParameters: merged('secureParameters'),
    secrets: merged('secrets'),
  };
}

/** Every release image of a service, across all environments: each account's repository holds them all. */
export function serviceImages(service: DemoService): ReleaseImage[] {
  const releases = new Set(
    Object.values(service.environments).flatMap(d => d.releases),
  );
  return [...releases].map(release => releaseImage(service.component, release));
}
