import { mockServices } from '@backstage/backend-test-utils';
import { AwsCredentialsManager } from '@backstage/integration-aws-node';
import { AwsDeployerSource, roleSessionName } from './DeployerSource';

describe('roleSessionName', () => {
  it('names the AWS session after the Backstage user, as CloudTrail shows it', () => {
    expect(roleSessionName('user:default/alice')).toBe('env-alice@default');
    expect(roleSessionName('user:acme/bob.smith')).toBe('env-bob.smith@acme');
  });

  it('keeps only the characters STS accepts, and at most 64 of them', () => {
    expect(roleSessionName('user:default/jürgen müller')).toBe(
      'env-j-rgen-m-ller@default',
    );
    const long = roleSessionName(`user:default/${'x'.repeat(100)}`);
    expect(long).toHaveLength(64);
    expect(long).toMatch(/^env-x+$/);
  });
});

describe('AwsDeployerSource', () => {
  it('falls back to the aws section’s credentials for an account without a write role, and warns', async () => {
    const getCredentialProvider = jest.fn(async () => ({
      sdkCredentialProvider: async () => ({
        accessKeyId: 'a',
        secretAccessKey: 'b',
      }),
    }));
    const logger = mockServices.logger.mock();
    const source = new AwsDeployerSource({
      credentialsManager: { getCredentialProvider } as AwsCredentialsManager,
      endpoints: new Map(),
      writeRoles: {
        byAccount: new Map([['111111111111', 'environments-promoter']]),
      },
      logger,
    });
    await source.forWrite(
      { accountId: '333333333333', region: 'eu-west-1' },
      'user:default/alice',
    );
    expect(getCredentialProvider).toHaveBeenCalledWith({
      accountId: '333333333333',
    });
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /No write role configured for account 333333333333/,
      ),
    );
  });
});
