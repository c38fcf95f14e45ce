import {
  DescribeStacksCommand,
  ListStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import { AwsClientFactory } from './AwsClientFactory';
import {
  cloudFormationThrottled,
  FAST_RETRY,
  fakeCredentialsManager,
  stubHttpHandler,
} from './__testUtils__/fakes';
import { mockFleet } from './__testUtils__/mockFleet';

const ACCOUNT = '222222222222';
const LOCATION = { accountId: ACCOUNT, region: 'eu-west-1' };
const FAST_LIMITS = {
  getFunctionPerSecond: 1000,
  lambdaControlPlanePerSecond: 1000,
  cloudFormationPerSecond: 1000,
  taggingPerSecond: 1000,
};

function factory(
  extra?: Partial<ConstructorParameters<typeof AwsClientFactory>[0]>,
) {
  return new AwsClientFactory({
    credentialsManager: fakeCredentialsManager(),
    rateLimits: FAST_LIMITS,
    retry: FAST_RETRY,
    ...extra,
  });
}

describe('CloudFormationAdapter', () => {
  describe('with the SDK mocked', () => {
    let fleet: ReturnType<typeof mockFleet>;
    afterEach(() => fleet.restore());

    it('lists every stack across DescribeStacks pages', async () => {
      fleet = mockFleet({
        functions: [],
        stacks: Array.from({ length: 25 }, (_, i) => ({
          accountId: ACCOUNT,
          name: `stack-${String(i).padStart(2, '0')}`,
          tags: { Project: 'shop' },
        })),
        stacksPerPage: 10,
      });
      const { cloudFormation } = await factory().forLocation(LOCATION);

      const stacks = await cloudFormation.listStacks();

      expect(stacks).toHaveLength(25);
      expect(stacks[24]).toEqual({
        stackName: 'stack-24',
        stackId: `arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stack/stack-24/id-stack-24`,
        status: 'UPDATE_COMPLETE',
        updatedAt: '2026-11-01T10:00:00.000Z',
        tags: { Project: 'shop' },
      });
      expect(
        fleet.cloudFormation
          .commandCalls(DescribeStacksCommand)
          .map(c => c.args[0].input.NextToken),
      ).toEqual([undefined, '10', '20']);
    });

    it('names only the Lambda functions a stack holds, in one call', async () => {
      fleet = mockFleet({
        functions: [
          {
            accountId: ACCOUNT,
            name: 'shop-checkout-api-staging',
            latestCodeSha256: 'a'.repeat(64),
            stackName: 'shop-checkout-api-staging',
          },
        ],
      });
      const { cloudFormation } = await factory().forLocation(LOCATION);

      await expect(
        cloudFormation.listStackFunctionNames('shop-checkout-api-staging'),
      ).resolves.toEqual(['shop-checkout-api-staging']);
      expect(
        fleet.cloudFormation.commandCalls(ListStackResourcesCommand),
      ).toHaveLength(1);
    });
  });

  describe('with throttling answered by the HTTP layer (the SDK retry runs)', () => {
    jest.setTimeout(30_000);

    it('retries Throttling and then succeeds', async () => {
      const ok = {
        statusCode: 200,
        headers: { 'content-type': 'text/xml' },
        body:
          '<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult>' +
          '<Stacks><member><StackName>shop-a-dev</StackName><StackId>arn:aws:cloudformation:eu-west-1:222222222222:stack/shop-a-dev/1</StackId>' +
          '<StackStatus>CREATE_COMPLETE</StackStatus><CreationTime>2024-05-01T10:00:00Z</CreationTime></member></Stacks>' +
          '</DescribeStacksResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeStacksResponse>',
      };
      const http = stubHttpHandler((_, index) =>
        index === 0 ? cloudFormationThrottled() : ok,
      );
      const aws = factory({ requestHandler: http });
      const { cloudFormation } = await aws.forLocation(LOCATION);

      const stacks = await cloudFormation.listStacks();

      expect(stacks.map(s => s.stackName)).toEqual(['shop-a-dev']);
      expect(http.requests).toHaveLength(2);
      expect(aws.callCounter.retriesByOperation()).toEqual({
        'cloudformation:DescribeStacks': 1,
      });
    });
  });
});
