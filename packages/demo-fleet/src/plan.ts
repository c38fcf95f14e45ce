import { DemoEnvironment, DemoFleet, DemoService } from './fleet';
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
      },
    ];
  });
}

/** Every release image of a service, across all environments: each account's repository holds them all. */
export function serviceImages(service: DemoService): ReleaseImage[] {
  const releases = new Set(
    Object.values(service.environments).flatMap(d => d.releases),
  );
  return [...releases].map(release => releaseImage(service.component, release));
}
