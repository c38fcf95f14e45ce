import { ConfigReader } from '@backstage/config';
import { readEnvironmentsConfig } from './readEnvironmentsConfig';

// The demo's section (app-config.yaml).
function demo() {
  return {
    definitions: [
      {
        name: 'dev',
        title: 'Development',
        shortName: 'dev',
        longName: 'development',
        locations: [{ accountId: '111111111111', region: 'eu-west-1' }],
      },
      {
        name: 'staging',
        title: 'Staging',
        locations: [{ accountId: '222222222222', region: 'eu-west-1' }],
      },
      {
        name: 'prod',
        title: 'Production',
        shortName: 'prod',
        longName: 'production',
        locations: [{ accountId: '333333333333', region: 'eu-west-1' }],
      },
    ] as any[],
    accounts: [
      { accountId: '333333333333', endpoint: 'http://127.0.0.1:4566' },
    ] as any[],
    refresh: { frequency: { minutes: 2 }, timeout: { minutes: 5 } } as any,
  };
}

function read(environments: object | undefined) {
  return readEnvironmentsConfig(
    new ConfigReader(environments ? { environments } : {}),
  );
}

describe('readEnvironmentsConfig', () => {
  it('reads the environments in promotion order, with spellings defaulting to the name', () => {
    const config = read(demo());

    expect(config.environments).toEqual([
      {
        name: 'dev',
        title: 'Development',
        shortName: 'dev',
        longName: 'development',
        locations: [{ accountId: '111111111111', region: 'eu-west-1' }],
      },
      {
        name: 'staging',
        title: 'Staging',
        shortName: 'staging',
        longName: 'staging',
        locations: [{ accountId: '222222222222', region: 'eu-west-1' }],
      },
      {
        name: 'prod',
        title: 'Production',
        shortName: 'prod',
        longName: 'production',
        locations: [{ accountId: '333333333333', region: 'eu-west-1' }],
      },
    ]);
    expect(config.refresh).toEqual({
      frequency: { minutes: 2 },
      timeout: { minutes: 5 },
      newServicesFrequency: { seconds: 30 },
    });
    expect(config.aws.endpoints.get('333333333333')).toBe(
      'http://127.0.0.1:4566',
    );
  });

  it('uses the documented defaults for everything but the definitions', () => {
    const config = read({ definitions: [demo().definitions[0]] });

    expect(config.environments[0].title).toBe('Development');
    expect(config.discoveryTags).toEqual({
      projectTag: 'Project',
      componentTag: 'Component',
      environmentTag: 'Environment',
    });
    expect(config.refresh).toEqual({
      frequency: { minutes: 10 },
      timeout: { minutes: 15 },
      newServicesFrequency: { seconds: 30 },
    });
    expect(config.aws.rateLimits).toEqual({
      getFunctionPerSecond: 50,
      lambdaControlPlanePerSecond: 10,
      cloudFormationPerSecond: 5,
      taggingPerSecond: 5,
      parameterStorePerSecond: 10,
      secretsManagerPerSecond: 10,
    });
  });

  it('accepts ISO 8601 durations and custom tag keys', () => {
    const config = read({
      ...demo(),
      refresh: {
        frequency: 'PT30M',
        timeout: 'PT45M',
        newServicesFrequency: 'PT2M',
      },
      discovery: { projectTag: 'app:project', environmentTag: 'stage' },
    });

    expect(config.refresh).toEqual({
      frequency: { minutes: 30 },
      timeout: { minutes: 45 },
      newServicesFrequency: { minutes: 2 },
    });
    expect(config.discoveryTags).toEqual({
      projectTag: 'app:project',
      componentTag: 'Component',
      environmentTag: 'stage',
    });
  });

  it('names the account id that is not 12 digits, with its full key path', () => {
    const section = demo();
    section.definitions[2].locations = [
      { accountId: '33', region: 'eu-west-1' },
    ];

    expect(() => read(section)).toThrow(
      "environments.definitions[2].locations[0].accountId must be a 12-digit AWS account id, got '33'",
    );
  });

  it('names a region that is not an AWS region', () => {
    const section = demo();
    section.definitions[1].locations = [
      { accountId: '222222222222', region: 'Ireland' },
    ];

    expect(() => read(section)).toThrow(
      "environments.definitions[1].locations[0].region must be an AWS region such as 'eu-west-1', got 'Ireland'",
    );
  });

  it('refuses two environments with the same name', () => {
    const section = demo();
    section.definitions[2].name = 'staging';

    expect(() => read(section)).toThrow(
      "environments.definitions[2].name 'staging' is already used by environments.definitions[1]",
    );
  });

  it('refuses a spelling that another environment already uses, since tags could not tell them apart', () => {
    const section = demo();
    section.definitions[2].longName = 'development';

    expect(() => read(section)).toThrow(
      "environments.definitions[2].longName 'development' is already used by environments.definitions[0]",
    );
  });

  it('refuses names that cannot appear in resource names', () => {
    const section = demo();
    section.definitions[0].name = 'Dev Env';

    expect(() => read(section)).toThrow(
      "environments.definitions[0].name must be lower case letters, digits and single dashes (e.g. 'prod'), got 'Dev Env'",
    );
  });

  it('refuses an empty list of environments or of locations', () => {
    expect(() => read({ definitions: [] })).toThrow(
      'environments.definitions must list at least one environment, got an empty list',
    );
    const section = demo();
    section.definitions[1].locations = [];
    expect(() => read(section)).toThrow(
      'environments.definitions[1].locations must list at least one AWS account and region, got an empty list',
    );
  });

  it('explains what to do when the section is missing', () => {
    expect(() => read(undefined)).toThrow(
      /environments.definitions is missing: list the environments in promotion order/,
    );
  });

  it('names a missing required key', () => {
    const section = demo();
    delete section.definitions[0].locations[0].region;

    expect(() => read(section)).toThrow(
      "Missing required config value at 'environments.definitions[0].locations[0].region'",
    );
  });

  it('refuses durations that cannot be read, and zero', () => {
    expect(() => read({ ...demo(), refresh: { frequency: 'often' } })).toThrow(
      "Invalid duration 'often' in config at 'environments.refresh.frequency'",
    );
    expect(() =>
      read({ ...demo(), refresh: { timeout: { minutes: 0 } } }),
    ).toThrow(
      'environments.refresh.timeout must be a duration longer than zero',
    );
    expect(() =>
      read({ ...demo(), refresh: { newServicesFrequency: { seconds: -5 } } }),
    ).toThrow(
      'environments.refresh.newServicesFrequency must be a duration longer than zero',
    );
  });

  it('refuses an empty tag key and an account listed twice', () => {
    expect(() => read({ ...demo(), discovery: { componentTag: ' ' } })).toThrow(
      "environments.discovery.componentTag must be a tag key such as 'Component', got an empty string",
    );
    expect(() =>
      read({
        ...demo(),
        accounts: [
          { accountId: '111111111111' },
          { accountId: '111111111111' },
        ],
      }),
    ).toThrow(
      "environments.accounts[1].accountId '111111111111' is already listed at environments.accounts[0]",
    );
  });
});
