import { createHash } from 'node:crypto';
import {
  EnvironmentDefinition,
  FunctionResource,
} from '@internal/backstage-plugin-environments-common';
import { PublishedVersion } from '../../aws/types';
import {
  CollectedService,
  RefreshResult,
  ServiceDescriptor,
} from '../collector/types';

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

/**
 * The versions published in an environment, one per release in order (version numbers from 1), each
 * `daysApart` days after the one before from `firstDay` of October 2026, by that account's clock.
 */
export function publishedVersions(
  component: string,
  releases: string[],
  clock: { firstDay?: number; daysApart?: number } = {},
): PublishedVersion[] {
  const { firstDay = 1, daysApart = 3 } = clock;
  return releases.map((release, index) => ({
    version: String(index + 1),
    digest: digestOf(component, release),
    digestKind: 'image',
    publishedAt: new Date(
      Date.UTC(2026, 9, firstDay, 10) + index * daysApart * 86_400_000,
    ).toISOString(),
  }));
}

/**
 * What a refresh found for one service: a version per environment, `null` for nothing found. With
 * `published`, an environment's function has published these releases in order (its versions, dated
 * by `clocks` of that environment), the live version being the last one of the live release.
 */
export function collected(
  component: string,
  versions: Record<string, string | null>,
  options?: {
    incomplete?: string[];
    published?: Record<string, string[]>;
    clocks?: Record<string, { firstDay?: number; daysApart?: number }>;
  },
): CollectedService {
  return {
    entityRef: `component:default/${component}`,
    environments: ENVIRONMENTS.map(({ name }) => {
      const version = versions[name];
      const releases = options?.published?.[name];
      if (!releases) {
        return {
          environment: name,
          complete: !options?.incomplete?.includes(name),
          functions: version ? [liveFunction(component, name, version)] : [],
        };
      }
      const published = publishedVersions(
        component,
        releases,
        options?.clocks?.[name],
      );
      const live = version
        ? published.filter(v => v.digest === digestOf(component, version)).pop()
        : undefined;
      return {
        environment: name,
        complete: !options?.incomplete?.includes(name),
        functions: version
          ? [
              liveFunction(component, name, version, {
                liveVersion: live?.version,
                deployedAt: live?.publishedAt,
              }),
            ]
          : [],
        versions: published,
      };
    }),
  };
}

/**
 * The releases each environment published if every release came the promotion path: what the
 * environments after it run (older releases, oldest first), then its own. For fakes that know only
 * what runs now; a hotfix needs its own history.
 */
export function promotionPath(
  versions: Record<string, string | null>,
): Record<string, string[]> {
  const names = ENVIRONMENTS.map(e => e.name);
  return Object.fromEntries(
    names.map((name, index) => [
      name,
      [
        ...new Set(
          names
            .slice(index)
            .reverse()
            .flatMap(later => (versions[later] ? [versions[later]!] : [])),
        ),
      ],
    ]),
  );
}

/** The releases each environment of the demo published, oldest first (examples/fleet/demo-fleet.yaml). */
export const DEMO_RELEASES: Record<string, Record<string, string[]>> = {
  'checkout-api': {
    dev: ['1.3.1', '1.3.2', '1.4.0', '1.5.0'],
    staging: ['1.3.1', '1.3.2', '1.4.0'],
    prod: ['1.3.1', '1.3.2'],
  },
  'payments-api': {
    dev: ['2.9.0', '3.0.0'],
    staging: ['2.9.0', '3.0.0'],
    prod: ['2.9.0', '3.0.0', '3.0.1-hotfix'],
  },
};

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
