import { ConfigReader } from '@backstage/config';
import { readAwsAccessConfig } from './config';

describe('readAwsAccessConfig', () => {
  it('uses half the AWS quotas when no rate limits are configured', () => {
    const { rateLimits, endpoints, writeRoles } = readAwsAccessConfig(
      new ConfigReader({}),
    );
    expect(rateLimits).toEqual({
      getFunctionPerSecond: 50,
      lambdaControlPlanePerSecond: 10,
      cloudFormationPerSecond: 5,
      taggingPerSecond: 5,
      parameterStorePerSecond: 10,
      secretsManagerPerSecond: 10,
    });
    expect(endpoints.size).toBe(0);
    expect(writeRoles.defaultRoleName).toBeUndefined();
  });

  it("reads each account's write role, and the one of accounts without their own", () => {
    const { writeRoles } = readAwsAccessConfig(
      new ConfigReader({
        environments: {
          accounts: [
            {
              accountId: '333333333333',
              writeRoleName: 'environments-promoter',
            },
          ],
          promotion: { writeRoleName: 'environments-writer' },
        },
      }),
    );
    expect(writeRoles.byAccount.get('333333333333')).toBe(
      'environments-promoter',
    );
    expect(writeRoles.defaultRoleName).toBe('environments-writer');
  });

  it('reads per-account endpoints and rate limits', () => {
    const { rateLimits, endpoints } = readAwsAccessConfig(
      new ConfigReader({
        environments: {
          accounts: [
            { accountId: '111111111111', endpoint: 'http://127.0.0.1:4566' },
            { accountId: '222222222222' },
          ],
          rateLimits: { getFunctionPerSecond: 80 },
        },
      }),
    );
    expect(Object.fromEntries(endpoints)).toEqual({
      '111111111111': 'http://127.0.0.1:4566',
    });
    expect(rateLimits.getFunctionPerSecond).toBe(80);
    expect(rateLimits.lambdaControlPlanePerSecond).toBe(10);
  });

  it.each([
    [
      { accounts: [{ accountId: '1234' }] },
      "environments.accounts[0].accountId must be a 12-digit AWS account id, got '1234'",
    ],
    [
      { accounts: [{ accountId: '111111111111', endpoint: 'localhost:4566' }] },
      'environments.accounts[0].endpoint must be an http(s) URL',
    ],
    [
      { rateLimits: { cloudFormationPerSecond: 0 } },
      'environments.rateLimits.cloudFormationPerSecond must be a positive number, got 0',
    ],
  ])('rejects bad config %j, saying where', (environments, message) => {
    expect(() =>
      readAwsAccessConfig(new ConfigReader({ environments })),
    ).toThrow(message);
  });
});
