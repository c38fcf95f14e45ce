import {
  EnvironmentDefinition,
  EnvironmentState,
} from '@internal/backstage-plugin-environments-common';

/**
 * A stranger's fleet: smartstack's parameters are shared by the project (`/smartstack/prod/jwt-secret`),
 * prod is spelt `production` in function names, staging `stg`, and each environment is in an account
 * and region of its own.
 */
export const SMARTSTACK_ENVIRONMENTS: EnvironmentDefinition[] = [
  {
    name: 'dev',
    title: 'Dev',
    shortName: 'dev',
    longName: 'development',
    locations: [{ accountId: '444444444444', region: 'us-east-1' }],
  },
  {
    name: 'staging',
    title: 'Staging',
    shortName: 'stg',
    longName: 'staging',
    locations: [{ accountId: '555555555555', region: 'us-west-2' }],
  },
  {
    name: 'prod',
    title: 'Production',
    shortName: 'prod',
    longName: 'production',
    locations: [{ accountId: '666666666666', region: 'eu-central-1' }],
  },
];

/** Smartstack's path layout: one path per project and environment. */
export const SMARTSTACK_PATTERN = '/{project}/{env}/';

/** The web service's state in an environment: its function, with these variables (null: a secret's, unread). */
export function smartstackState(
  environment: EnvironmentDefinition,
  variables: Record<string, string | null> = {},
): EnvironmentState {
  const values = Object.fromEntries(
    Object.entries(variables).filter(([, v]) => v !== null),
  ) as Record<string, string>;
  const { accountId, region } = environment.locations[0];
  const functionName = `smartstack-${environment.longName}-web`;
  return {
    environment: environment.name,
    status: 'ok',
    freshness: { stale: false },
    functions: [
      {
        accountId,
        region,
        functionName,
        functionArn: `arn:aws:lambda:${region}:${accountId}:function:${functionName}`,
        discoveredBy: 'convention',
        primary: true,
        liveAlias: { version: '1' },
        configuration: {
          packageType: 'Image',
          architectures: ['arm64'],
          environmentVariableNames: Object.keys(variables).sort(),
          environmentVariableValues: values,
          layers: [],
        },
        tags: {},
      },
    ],
  };
}
