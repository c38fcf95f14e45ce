import {
  GetParametersByPathCommand,
  Parameter,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsClientFactory } from './AwsClientFactory';
import { FAST_RETRY, fakeCredentialsManager } from './__testUtils__/fakes';

const LOCATION = { accountId: '444444444444', region: 'us-east-1' };

describe('ParameterStoreAdapter', () => {
  const ssm = mockClient(SSMClient);
  afterEach(() => ssm.reset());

  it('pages through the path without decryption and drops the value of every SecureString', async () => {
    const page = (from: number, count: number): Parameter[] =>
      Array.from({ length: count }, (_, i) => ({
        Name: `/smartstack/prod/p${from + i}`,
        Type: 'String',
        Value: `v${from + i}`,
        Version: 1,
      }));
    ssm
      .on(GetParametersByPathCommand, { NextToken: undefined })
      .resolves({
        Parameters: [
          ...page(0, 9),
          // What an endpoint that ignores WithDecryption (moto) returns.
          {
            Name: '/smartstack/prod/jwt-secret',
            Type: 'SecureString',
            Value: 'kms:alias/aws/ssm:plaintext',
            Version: 4,
          },
        ],
        NextToken: 'page-2',
      })
      .on(GetParametersByPathCommand, { NextToken: 'page-2' })
      .resolves({ Parameters: page(9, 3) });
    const aws = new AwsClientFactory({
      credentialsManager: fakeCredentialsManager(),
      retry: FAST_RETRY,
    });
    const { parameterStore } = await aws.forLocation(LOCATION);

    const parameters = await parameterStore.listParameters('/smartstack/prod/');

    expect(parameters).toHaveLength(13);
    expect(parameters.find(p => p.type === 'SecureString')).toEqual({
      name: '/smartstack/prod/jwt-secret',
      type: 'SecureString',
      version: 4,
    });
    expect(JSON.stringify(parameters)).not.toContain('plaintext');
    const inputs = ssm
      .commandCalls(GetParametersByPathCommand)
      .map(c => c.args[0].input);
    expect(inputs).toEqual([
      {
        Path: '/smartstack/prod/',
        Recursive: true,
        WithDecryption: false,
        MaxResults: 10,
      },
      {
        Path: '/smartstack/prod/',
        Recursive: true,
        WithDecryption: false,
        MaxResults: 10,
        NextToken: 'page-2',
      },
    ]);
    expect(aws.callCounter.callsByOperation()).toEqual({
      'ssm:GetParametersByPath': 2,
    });
  });
});
