import { EnvironmentDefinition } from '@internal/backstage-plugin-environments-common';
import { ServiceDescriptor } from '../src/matrix/collector/types';

/** The benchmark's region and project: the demo fleet's, so naming and tags follow the same convention. */
export const REGION = 'eu-west-1';
export const PROJECT = 'shop';

/** dev, staging and prod, each in its own account, as the demo fleet. */
export const ENVIRONMENTS: EnvironmentDefinition[] = [
  {
    name: 'dev',
    title: 'Development',
    shortName: 'dev',
    longName: 'development',
    locations: [{ accountId: '111111111111', region: REGION }],
  },
  {
    name: 'staging',
    title: 'Staging',
    shortName: 'staging',
    longName: 'staging',
    locations: [{ accountId: '222222222222', region: REGION }],
  },
  {
    name: 'prod',
    title: 'Production',
    shortName: 'prod',
    longName: 'production',
    locations: [{ accountId: '333333333333', region: REGION }],
  },
];

/** One service in ten also has a CloudFormation stack per environment holding its function. */
export const STACK_EVERY = 10;
/** Release images per account's ECR repository; functions run one of them. */
export const RELEASES = 5;
export const REPOSITORY = 'bench-app';

/** A function of the synthetic fleet. */
export interface BenchFunction {
  functionName: string;
  accountId: string;
  environment: EnvironmentDefinition;
  component: string;
  serviceIndex: number;
  /** Release image of each published version, oldest first; the last one is live. */
  releases: number[];
  /** Name of the stack that holds it, when it has one. */
  stackName?: string;
  tags: Record<string, string>;
}

/** Owners and systems the services are spread over, so fleet filters select a fraction. */
export const OWNERS = [
  'team-checkout',
  'team-platform',
  'team-search',
  'team-data',
];
export const SYSTEMS = ['shop', 'back-office', 'analytics'];

const componentOf = (serviceIndex: number) =>
  `svc${String(serviceIndex).padStart(4, '0')}`;

/**
 * A fleet of `size` functions with `versions` published versions each: function i is service ⌊i/3⌋
 * in environment i mod 3, so every service has one function per environment (the last one may have
 * fewer) named by the convention.
 */
export function planFleet(size: number, versions: number): BenchFunction[] {
  return Array.from({ length: size }, (_, i) => {
    const serviceIndex = Math.floor(i / ENVIRONMENTS.length);
    const environment = ENVIRONMENTS[i % ENVIRONMENTS.length];
    const component = componentOf(serviceIndex);
    const functionName = `${PROJECT}-${component}-${environment.shortName}`;
    return {
      functionName,
      accountId: environment.locations[0].accountId,
      environment,
      component,
      serviceIndex,
      // Consecutive versions run different images, or PublishVersion would publish nothing new.
      releases: Array.from(
        { length: versions },
        (__, version) =>
          (serviceIndex + (i % ENVIRONMENTS.length) + version) % RELEASES,
      ),
      stackName: serviceIndex % STACK_EVERY === 0 ? functionName : undefined,
      tags: {
        Project: PROJECT,
        Component: component,
        Environment: environment.shortName,
        ManagedBy: 'benchmark',
        Owner: OWNERS[serviceIndex % OWNERS.length],
        CostCenter: 'cc-1234',
      },
    };
  });
}

/** The catalog services of a fleet of `size` functions: one per function group. */
export function fleetServices(size: number): ServiceDescriptor[] {
  const count = Math.ceil(size / ENVIRONMENTS.length);
  return Array.from({ length: count }, (_, serviceIndex) => {
    const component = componentOf(serviceIndex);
    return {
      entityRef: `component:default/${component}`,
      project: PROJECT,
      component,
      explicitFunctionNames: {},
      title: `Service ${serviceIndex}`,
      owner: `group:default/${OWNERS[serviceIndex % OWNERS.length]}`,
      system: `system:default/${SYSTEMS[serviceIndex % SYSTEMS.length]}`,
    };
  });
}
