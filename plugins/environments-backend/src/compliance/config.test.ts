import { ConfigReader } from '@backstage/config';
import { EnvironmentDefinition } from '@internal/backstage-plugin-environments-common';
import { readComplianceConfig } from './config';

const environments: EnvironmentDefinition[] = ['dev', 'staging', 'prod'].map(
  name => ({
    name,
    title: name,
    shortName: name,
    longName: name,
    locations: [],
  }),
);

describe('readComplianceConfig', () => {
  it('reads conventions, tag rules, declared values and parity keys', () => {
    const config = readComplianceConfig(
      new ConfigReader({
        environments: {
          definitions: [
            {
              name: 'dev',
              locations: [],
              declared: { memory: 512, timeout: 120, reservedConcurrency: 5 },
            },
            { name: 'staging', locations: [], declared: { memory: 1024 } },
            {
              name: 'prod',
              locations: [],
              requiredTags: ['DataClassification'],
            },
          ],
          discovery: { environmentTag: 'Stage' },
          compliance: {
            naming: {
              conventions: { lambdaFunction: '{project}-{component}-{env}' },
            },
            tags: {
              required: ['Project', 'Owner'],
              allowedValues: { ManagedBy: ['cloudformation'] },
            },
            parity: {
              allowedToDiffer: [
                'memory',
                'timeout',
                'reservedConcurrency',
                'layers',
              ],
            },
          },
        },
      }),
      environments,
    );

    expect(config.naming['lambda-function']?.pattern).toBe(
      '{project}-{component}-{env}',
    );
    expect(config.naming['cloudformation-stack']).toBeUndefined();
    expect(config.tags).toMatchObject({
      required: ['Project', 'Owner'],
      requiredByEnvironment: { prod: ['DataClassification'] },
      allowedValues: { ManagedBy: ['cloudformation'] },
      catalogTags: { environment: 'Stage', owner: 'Owner', project: 'Project' },
    });
    expect(config.declared.dev).toEqual({
      memory: {
        value: 512,
        source: 'app-config environments.definitions[0].declared',
      },
      timeout: {
        value: 120,
        source: 'app-config environments.definitions[0].declared',
      },
      reservedConcurrency: {
        value: 5,
        source: 'app-config environments.definitions[0].declared',
      },
    });
    expect(config.declared.prod).toEqual({});
    expect(config.parity.allowedToDiffer).toContain('layers');
    expect(config.cloudFormationDrift).toEqual({
      stacksPerRun: 5,
      frequency: { hours: 6 },
    });
    expect(config.readRepositoryFiles).toBe(true);
  });

  it('defaults: memory, timeout and reserved concurrency may differ; nothing is required', () => {
    const config = readComplianceConfig(new ConfigReader({}), environments);
    expect(config.parity.allowedToDiffer).toEqual([
      'memory',
      'timeout',
      'reservedConcurrency',
    ]);
    expect(config.tags.required).toEqual([]);
    expect(config.naming).toEqual({});
  });

  it('reads the drift check schedule as an ISO duration or an object', () => {
    const read = (frequency: string | { minutes: number }) =>
      readComplianceConfig(
        new ConfigReader({
          environments: {
            compliance: { cloudFormationDrift: { stacksPerRun: 2, frequency } },
          },
        }),
        environments,
      ).cloudFormationDrift;
    expect(read('PT12H')).toEqual({
      stacksPerRun: 2,
      frequency: { hours: 12 },
    });
    expect(read({ minutes: 30 })).toEqual({
      stacksPerRun: 2,
      frequency: { minutes: 30 },
    });
    expect(() => read('often')).toThrow(
      /^environments.compliance.cloudFormationDrift.frequency: /,
    );
  });

  it('names the config key that is wrong', () => {
    expect(() =>
      readComplianceConfig(
        new ConfigReader({
          environments: {
            compliance: {
              naming: {
                conventions: { cloudFormationStack: '{Project}-{stage}' },
              },
            },
          },
        }),
        environments,
      ),
    ).toThrow(
      /^environments.compliance.naming.conventions.cloudFormationStack: .*unknown token \{stage\}/,
    );
    expect(() =>
      readComplianceConfig(
        new ConfigReader({
          environments: {
            definitions: [
              { name: 'dev', locations: [] },
              { name: 'staging', locations: [], declared: { memroy: 1024 } },
            ],
          },
        }),
        environments,
      ),
    ).toThrow(
      "environments.definitions[1].declared.memroy: unknown key 'memroy'",
    );
    expect(() =>
      readComplianceConfig(
        new ConfigReader({
          environments: {
            compliance: { parity: { allowedToDiffer: ['logLevel'] } },
          },
        }),
        environments,
      ),
    ).toThrow(
      "environments.compliance.parity.allowedToDiffer: unknown key 'logLevel'",
    );
  });
});
