import { createHash } from 'node:crypto';
import {
  EnvironmentDefinition,
  FunctionResource,
} from '@internal/backstage-plugin-environments-common';
import {
  CollectedService,
  RefreshResult,
  ServiceDescriptor,
} from '../../collector/types';

/** The demo's environments (docs/configuration.md). */
export const ENVIRONMENTS: EnvironmentDefinition[] = [
  ['dev', 'Development', 'development', '111111111111'],
  ['staging', 'Staging', 'staging', '222222222222'],
  ['prod', 'Production', 'production', '333333333333'],
].map(([name, title, longName, accountId]) => ({
  name,
  title,
  shortName: name,
  longName,
  locations: [{ accountId, region: 'eu-west-1' }],
}));

const ACCOUNTS: Record<string, string> = {
  dev: '111111111111',
  staging: '222222222222',
  prod: '333333333333',
};

/** The image digest of a release of a component: the same in every account, as with ECR replication. */
export function digestOf(component: string, version: string): string {
  return `sha256:${createHash('sha256')
    .update(`${component}:${version}`)
    .digest('hex')}`;
}

/** A service of the demo fleet as the catalog reader describes it. */
export function service(
  component: string,
  owner = 'team-platform',
): ServiceDescriptor {
  return {
    entityRef: `component:default/${component}`,
    project: 'shop',
    component,
    explicitFunctionNames: {},
    title: component
      .split('-')
      .map(word => word[0].toUpperCase() + word.slice(1))
      .join(' '),
    owner: `group:default/${owner}`,
    system: 'system:default/shop',
  };
}

/** The function the collector reports for a component running `version` (live alias version `liveVersion`). */
export function liveFunction(
  component: string,
  environment: string,
  version: string,
  options?: { liveVersion?: string; deployedAt?: string },
): FunctionResource {
  const accountId = ACCOUNTS[environment];
  const functionName = `shop-${component}-${environment}`;
  const digest = digestOf(component, version);
  return {
    accountId,
    region: 'eu-west-1',
    functionName,
    functionArn: `arn:aws:lambda:eu-west-1:${accountId}:function:${functionName}`,
    discoveredBy: 'convention',
    primary: true,
    liveAlias: { version: options?.liveVersion ?? '1' },
    digest,
    digestKind: 'image',
    imageUri: `${accountId}.dkr.ecr.eu-west-1.amazonaws.com/${component}@${digest}`,
    deployedAt: options?.deployedAt,
    configuration: {
      packageType: 'Image',
      memorySize: environment === 'dev' ? 512 : 1024,
      timeout: environment === 'dev' ? 120 : 300,
      architectures: ['x86_64'],
      environmentVariableNames: ['LOG_LEVEL'],
      layers: [],
    },
    tags: { Project: 'shop', Component: component, Environment: environment },
  };
}

/** What a refresh found for one service: a version per environment, `null` for nothing found. */
export function collected(
  component: string,
  versions: Record<string, string | null>,
  options?: { incomplete?: string[] },
): CollectedService {
  return {
    entityRef: `component:default/${component}`,
    environments: ENVIRONMENTS.map(({ name }) => {
      const version = versions[name];
      return {
        environment: name,
        complete: !options?.incomplete?.includes(name),
        functions: version ? [liveFunction(component, name, version)] : [],
      };
    }),
  };
}

/** A refresh that finished at `finishedAt`. */
export function refresh(
  finishedAt: string,
  services: CollectedService[],
  failedLocations: RefreshResult['failedLocations'] = [],
): RefreshResult {
  return {
    startedAt: new Date(Date.parse(finishedAt) - 20_000).toISOString(),
    finishedAt,
    services,
    failedLocations,
  };
}
