import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { ConfigReader } from '@backstage/config';
import { EnvironmentMatrix } from '@internal/backstage-plugin-environments-common';
import { Emulator } from '@internal/demo-fleet';
import { AwsClientFactory } from '../aws/AwsClientFactory';
import {
  awsClientsIn,
  describeWithMoto,
  startAwsEmulator,
} from '../__testUtils__/emulator';
import {
  SMARTSTACK_ENVIRONMENTS,
  SMARTSTACK_PATTERN,
  smartstackState,
} from './__testUtils__/smartstack';
import { SettingsCollector } from './SettingsCollector';

// Dev and prod of smartstack, each in its own account and region.
const ENVIRONMENTS = SMARTSTACK_ENVIRONMENTS.filter(e => e.name !== 'staging');
const JWT_PLAINTEXT = 'stranger-jwt-signing-secret-7f3a';
const STRIPE_PLAINTEXT = 'stranger-stripe-secret-91c2';

function matrixOf(): EnvironmentMatrix {
  return {
    entityRef: 'component:default/web',
    environments: ENVIRONMENTS.map(e => smartstackState(e)),
  };
}

describeWithMoto(
  'reading parameters and secret names on the emulator (moto)',
  () => {
    jest.setTimeout(120_000);
    let emulator: Emulator;
    let aws: AwsClientFactory;

    beforeAll(async () => {
      emulator = await startAwsEmulator();
      const config = new ConfigReader({
        aws: {
          mainAccount: { accessKeyId: 'test', secretAccessKey: 'test' },
          accountDefaults: { roleName: 'environments-reader' },
        },
        environments: {
          accounts: ['444444444444', '666666666666'].map(accountId => ({
            accountId,
            endpoint: emulator.endpoint,
          })),
        },
      });
      aws = AwsClientFactory.fromConfig(config);
      const prod = await awsClientsIn(
        emulator.endpoint,
        '666666666666',
        'eu-central-1',
      );
      const dev = await awsClientsIn(
        emulator.endpoint,
        '444444444444',
        'us-east-1',
      );
      await prod.ssm.send(
        new PutParameterCommand({
          Name: '/smartstack/prod/jwt-secret',
          Value: JWT_PLAINTEXT,
          Type: 'SecureString',
        }),
      );
      await prod.ssm.send(
        new PutParameterCommand({
          Name: '/smartstack/prod/api-url',
          Value: 'https://api.smartstack.example',
          Type: 'String',
        }),
      );
      await prod.ssm.send(
        new PutParameterCommand({
          Name: '/smartstack/prod/web/origins',
          Value: 'a.example,b.example',
          Type: 'StringList',
        }),
      );
      // More than a page (10), so the walk pages.
      for (let i = 0; i < 23; i += 1) {
        await prod.ssm.send(
          new PutParameterCommand({
            Name: `/smartstack/prod/flags/flag${i}`,
            Value: 'true',
            Type: 'String',
          }),
        );
      }
      // Another environment's path, in the same account: not read for prod.
      await prod.ssm.send(
        new PutParameterCommand({
          Name: '/smartstack/dev/db-password',
          Value: 'x',
          Type: 'SecureString',
        }),
      );
      await prod.secretsManager.send(
        new CreateSecretCommand({
          Name: 'smartstack/prod/stripe',
          SecretString: STRIPE_PLAINTEXT,
        }),
      );
      await prod.secretsManager.send(
        new CreateSecretCommand({
          Name: 'smartstack/dev/stripe',
          SecretString: 'dev',
        }),
      );
      await dev.ssm.send(
        new PutParameterCommand({
          Name: '/smartstack/dev/api-url',
          Value: 'https://dev.smartstack.example',
          Type: 'String',
        }),
      );
    });

    afterAll(async () => {
      await emulator?.stop();
    });

    it("reads each environment's own path in its own account and region, never a SecureString's or secret's value", async () => {
      const collector = new SettingsCollector({
        readers: aws,
        environments: ENVIRONMENTS,
        pathPatterns: [SMARTSTACK_PATTERN],
      });

      const snapshots = await collector.collect(
        { project: 'smartstack', component: 'web' },
        matrixOf(),
      );

      const [dev, prod] = snapshots;
      expect(dev.parameters).toEqual([
        {
          name: '/smartstack/dev/api-url',
          type: 'String',
          version: 1,
          value: 'https://dev.smartstack.example',
        },
      ]);
      expect(prod.paths).toEqual(['/smartstack/prod/']);
      expect(prod.parameters).toHaveLength(26);
      expect(
        prod.parameters.find(p => p.name === '/smartstack/prod/jwt-secret'),
      ).toEqual({
        name: '/smartstack/prod/jwt-secret',
        type: 'SecureString',
        version: 1,
      });
      expect(
        prod.parameters.find(p => p.name === '/smartstack/prod/web/origins')
          ?.value,
      ).toBe('a.example,b.example');
      expect(prod.secretNames).toEqual(['smartstack/prod/stripe']);
      expect(JSON.stringify(snapshots)).not.toContain(JWT_PLAINTEXT);
      expect(JSON.stringify(snapshots)).not.toContain(STRIPE_PLAINTEXT);

      // The read role needs these two actions and nothing that decrypts or reads a secret's value:
      // a page per 10 parameters, one ListSecrets per environment, no call per parameter.
      expect(aws.callCounter.callsByOperation()).toEqual({
        'secretsmanager:ListSecrets': 2,
        'ssm:GetParametersByPath': 1 + 3,
      });
    });
  },
);
