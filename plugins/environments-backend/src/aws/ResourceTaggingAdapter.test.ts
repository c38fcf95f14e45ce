import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { AwsClientFactory } from './AwsClientFactory';
import { FAST_RETRY, fakeCredentialsManager } from './__testUtils__/fakes';
import { mockFleet } from './__testUtils__/mockFleet';

const ACCOUNT = '444444444444';
const LOCATION = { accountId: ACCOUNT, region: 'us-east-1' };

describe('ResourceTaggingAdapter', () => {
  let fleet: ReturnType<typeof mockFleet>;
  afterEach(() => fleet.restore());

  it('walks every GetResources page, 100 resources a page, for the resources carrying all the keys', async () => {
    const tags = (i: number) => ({
      Project: 'billing',
      Component: `svc-${i}`,
      Environment: 'production',
    });
    fleet = mockFleet({
      functions: [
        ...Array.from({ length: 250 }, (_, i) => ({
          accountId: ACCOUNT,
          name: `fn-${String(i).padStart(3, '0')}`,
          latestCodeSha256: 'abc',
          tags: tags(i),
        })),
        // Lacks the Environment key: left out by AWS's filter.
        {
          accountId: ACCOUNT,
          name: 'half-tagged',
          latestCodeSha256: 'abc',
          tags: { Project: 'billing', Component: 'x' },
        },
      ],
    });
    const aws = new AwsClientFactory({
      credentialsManager: fakeCredentialsManager(),
      retry: FAST_RETRY,
    });
    const { tagging } = await aws.forLocation(LOCATION);

    const resources = await tagging.listTaggedResources({
      resourceTypes: ['lambda:function'],
      tagKeys: ['Project', 'Component', 'Environment'],
    });

    expect(resources).toHaveLength(250);
    expect(resources[249]).toEqual({
      arn: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:fn-249`,
      tags: tags(249),
    });
    const calls = fleet.tagging.commandCalls(GetResourcesCommand);
    expect(calls.map(call => call.args[0].input)).toEqual([
      expect.objectContaining({
        ResourceTypeFilters: ['lambda:function'],
        TagFilters: [
          { Key: 'Project' },
          { Key: 'Component' },
          { Key: 'Environment' },
        ],
        ResourcesPerPage: 100,
        PaginationToken: undefined,
      }),
      expect.objectContaining({ PaginationToken: '100' }),
      expect.objectContaining({ PaginationToken: '200' }),
    ]);
    expect(aws.callCounter.callsByOperation()).toEqual({
      'tag:GetResources': 3,
    });
  });
});
