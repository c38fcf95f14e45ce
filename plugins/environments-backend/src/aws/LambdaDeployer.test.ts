import {
  GetAliasCommand,
  GetFunctionCommand,
  LambdaClient,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { ConflictError } from '@backstage/errors';
import { mockClient } from 'aws-sdk-client-mock';
import { LambdaDeployer } from './LambdaDeployer';

const HEX_A = 'a'.repeat(64);
const HEX_B = 'b'.repeat(64);
const FN = 'shop-checkout-api-prod';

function setup() {
  const lambda = new LambdaClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'k', secretAccessKey: 's' },
  });
  const lambdaMock = mockClient(lambda);
  const deployer = new LambdaDeployer({ lambda, updateTimeoutSeconds: 2 });
  return { lambdaMock, deployer };
}

describe('LambdaDeployer', () => {
  it('refuses to deploy an image by tag: only digest-pinned image URIs move nothing behind our back', async () => {
    const { lambdaMock, deployer } = setup();
    await expect(
      deployer.updateCode(
        FN,
        '333333333333.dkr.ecr.eu-west-1.amazonaws.com/checkout-api:v1.4.0',
      ),
    ).rejects.toThrow(/must be pinned by digest/);
    expect(lambdaMock.commandCalls(UpdateFunctionCodeCommand)).toHaveLength(0);
  });

  it('updates the code with the pinned image URI', async () => {
    const { lambdaMock, deployer } = setup();
    lambdaMock.on(UpdateFunctionCodeCommand).resolves({ RevisionId: 'r1' });
    const uri = `333333333333.dkr.ecr.eu-west-1.amazonaws.com/checkout-api@sha256:${HEX_A}`;
    await expect(deployer.updateCode(FN, uri)).resolves.toEqual({
      revisionId: 'r1',
    });
    expect(
      lambdaMock.commandCalls(UpdateFunctionCodeCommand)[0].args[0].input,
    ).toEqual({
      FunctionName: FN,
      ImageUri: uri,
    });
  });

  it('publishes guarded by the expected CodeSha256 and RevisionId', async () => {
    const { lambdaMock, deployer } = setup();
    lambdaMock
      .on(PublishVersionCommand)
      .resolves({ Version: '3', CodeSha256: HEX_A, PackageType: 'Image' });
    const published = await deployer.publishVersion(FN, {
      digest: `sha256:${HEX_A}`,
      revisionId: 'r2',
    });
    expect(published).toMatchObject({
      version: '3',
      digest: `sha256:${HEX_A}`,
    });
    expect(
      lambdaMock.commandCalls(PublishVersionCommand)[0].args[0].input,
    ).toMatchObject({
      CodeSha256: HEX_A,
      RevisionId: 'r2',
    });
  });

  it('fails the publish when Lambda published other code than the promoted digest (CodeSha256 mismatch)', async () => {
    const { lambdaMock, deployer } = setup();
    // An emulator that does not enforce the guard answers with what it published.
    lambdaMock
      .on(PublishVersionCommand)
      .resolves({ Version: '3', CodeSha256: HEX_B, PackageType: 'Image' });
    const error = await deployer
      .publishVersion(FN, { digest: `sha256:${HEX_A}` })
      .catch(e => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toContain(`expected ${HEX_A}`);
  });

  it('turns AWS refusing the publish precondition into a ConflictError', async () => {
    const { lambdaMock, deployer } = setup();
    lambdaMock.on(PublishVersionCommand).rejects(
      Object.assign(new Error('revision mismatch'), {
        name: 'PreconditionFailedException',
      }),
    );
    await expect(
      deployer.publishVersion(FN, {
        digest: `sha256:${HEX_A}`,
        revisionId: 'old',
      }),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('does not switch the alias when its RevisionId is stale, and says so', async () => {
    const { lambdaMock, deployer } = setup();
    lambdaMock
      .on(GetAliasCommand)
      .resolves({ FunctionVersion: '2', RevisionId: 'someone-elses-change' });
    const error = await deployer
      .switchAlias(FN, {
        version: '3',
        expectedVersion: '2',
        expectedRevisionId: 'read-at-start',
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toMatch(
      /changed since this began.*nothing was switched/,
    );
    expect(lambdaMock.commandCalls(UpdateAliasCommand)).toHaveLength(0);
  });

  it('does not switch the alias when it points at another version than expected', async () => {
    const { lambdaMock, deployer } = setup();
    lambdaMock
      .on(GetAliasCommand)
      .resolves({ FunctionVersion: '4', RevisionId: 'r' });
    await expect(
      deployer.switchAlias(FN, {
        version: '3',
        expectedVersion: '2',
        expectedRevisionId: 'r',
      }),
    ).rejects.toThrow(/points at version 4, not 2/);
    expect(lambdaMock.commandCalls(UpdateAliasCommand)).toHaveLength(0);
  });

  it('carries the RevisionId in UpdateAlias so AWS refuses a change made in between (ConflictError)', async () => {
    const { lambdaMock, deployer } = setup();
    lambdaMock
      .on(GetAliasCommand)
      .resolves({ FunctionVersion: '2', RevisionId: 'r' });
    lambdaMock.on(UpdateAliasCommand).rejects(
      Object.assign(new Error('The RevisionId provided does not match'), {
        name: 'PreconditionFailedException',
      }),
    );
    await expect(
      deployer.switchAlias(FN, {
        version: '3',
        expectedVersion: '2',
        expectedRevisionId: 'r',
      }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(
      lambdaMock.commandCalls(UpdateAliasCommand)[0].args[0].input,
    ).toMatchObject({
      FunctionVersion: '3',
      RevisionId: 'r',
      RoutingConfig: { AdditionalVersionWeights: {} },
    });
  });

  it('routes a share of the traffic with RoutingConfig weights', async () => {
    const { lambdaMock, deployer } = setup();
    lambdaMock
      .on(GetAliasCommand)
      .resolves({ FunctionVersion: '2', RevisionId: 'r' });
    lambdaMock.on(UpdateAliasCommand).resolves({
      FunctionVersion: '2',
      RevisionId: 'r2',
      RoutingConfig: { AdditionalVersionWeights: { '3': 0.1 } },
    });
    const alias = await deployer.switchAlias(FN, {
      version: '2',
      routing: { '3': 0.1 },
      expectedRevisionId: 'r',
    });
    expect(alias).toEqual({
      version: '2',
      revisionId: 'r2',
      routing: { '3': 0.1 },
      aliasArn: undefined,
    });
  });

  it('reads a version that does not exist as undefined', async () => {
    const { lambdaMock, deployer } = setup();
    lambdaMock.on(GetFunctionCommand).rejects(
      Object.assign(new Error('not found'), {
        name: 'ResourceNotFoundException',
      }),
    );
    await expect(deployer.getVersion(FN, '9')).resolves.toBeUndefined();
  });

  it('waits until the update succeeded and returns $LATEST', async () => {
    const { lambdaMock, deployer } = setup();
    lambdaMock
      .on(GetFunctionCommand)
      .resolvesOnce({
        Configuration: {
          Version: '$LATEST',
          LastUpdateStatus: 'InProgress',
          PackageType: 'Image',
          CodeSha256: HEX_A,
        },
      })
      .resolves({
        Configuration: {
          Version: '$LATEST',
          LastUpdateStatus: 'Successful',
          PackageType: 'Image',
          CodeSha256: HEX_A,
          RevisionId: 'r9',
        },
      });
    const latest = await deployer.waitForUpdate(FN);
    expect(latest).toMatchObject({
      digest: `sha256:${HEX_A}`,
      revisionId: 'r9',
      lastUpdateStatus: 'Successful',
    });
  });

  it('fails the wait when the update failed, with Lambda’s reason', async () => {
    const { lambdaMock, deployer } = setup();
    lambdaMock.on(GetFunctionCommand).resolves({
      Configuration: {
        Version: '$LATEST',
        LastUpdateStatus: 'Failed',
        LastUpdateStatusReason: 'Image not found',
        PackageType: 'Image',
      },
    });
    await expect(deployer.waitForUpdate(FN)).rejects.toThrow(
      /LastUpdateStatus Failed: Image not found/,
    );
  });
});
