import {
  CloudFormationClient,
  DescribeStacksCommand,
  ListStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import {
  GetFunctionCommand,
  LambdaClient,
  ListFunctionsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-lambda';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
  TagFilter,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { mockClient } from 'aws-sdk-client-mock';
import { accountOf } from './fakes';

/** A Lambda function of the fake fleet. */
export interface FakeFunction {
  accountId: string;
  name: string;
  packageType?: 'Image' | 'Zip';
  /** $LATEST's CodeSha256: hex for images, base64 for zip packages. */
  latestCodeSha256: string;
  /** The version the `live` alias points at; absent: the function has no live alias. */
  live?: {
    version: string;
    codeSha256: string;
    memorySize?: number;
    lastModified?: string;
  };
  tags?: Record<string, string>;
  environment?: Record<string, string>;
  /** The stack that holds it. */
  stackName?: string;
  /** Whether it carries CloudFormation's aws:cloudformation:stack-name tag (real AWS does, moto not). */
  stackTagged?: boolean;
}

/** A CloudFormation stack of the fake fleet. */
export interface FakeStack {
  accountId: string;
  name: string;
  tags?: Record<string, string>;
}

const REGION_ACCOUNT_ARN = (accountId: string) =>
  `arn:aws:lambda:eu-west-1:${accountId}`;

function stackId(stack: FakeStack) {
  return `arn:aws:cloudformation:eu-west-1:${stack.accountId}:stack/${stack.name}/id-${stack.name}`;
}

/**
 * Answers Lambda and CloudFormation calls from a fake fleet, as AWS pages them: ListFunctions by
 * Marker/MaxItems, DescribeStacks by NextToken (`stacksPerPage` per page). Accounts in
 * `failingAccounts` answer every call with that error.
 */
export function mockFleet(fleet: {
  functions: FakeFunction[];
  stacks?: FakeStack[];
  stacksPerPage?: number;
  failingAccounts?: Record<string, Error>;
}) {
  const lambda = mockClient(LambdaClient);
  const cloudFormation = mockClient(CloudFormationClient);
  const stacks = fleet.stacks ?? [];
  const stacksPerPage = fleet.stacksPerPage ?? 10;

  const account = async (getClient: () => any) => {
    const accountId = await accountOf(getClient());
    const failure = fleet.failingAccounts?.[accountId];
    if (failure) {
      throw failure;
    }
    return accountId;
  };

  lambda.on(ListFunctionsCommand).callsFake(async (input, getClient) => {
    const accountId = await account(getClient);
    const all = fleet.functions
      .filter(fn => fn.accountId === accountId)
      .sort((a, b) => a.name.localeCompare(b.name));
    const start = input.Marker ? Number(input.Marker) : 0;
    const end = start + (input.MaxItems ?? 50);
    return {
      $metadata: {},
      Functions: all.slice(start, end).map(fn => ({
        FunctionName: fn.name,
        FunctionArn: `${REGION_ACCOUNT_ARN(accountId)}:function:${fn.name}`,
        PackageType: fn.packageType ?? 'Image',
        CodeSha256: fn.latestCodeSha256,
        Version: '$LATEST',
        MemorySize: 128,
        Timeout: 3,
        LastModified: '2024-05-01T10:00:00.000+0000',
        Environment: { Variables: fn.environment },
        Architectures: ['x86_64'],
      })),
      NextMarker: end < all.length ? String(end) : undefined,
    };
  });

  lambda.on(GetFunctionCommand).callsFake(async (input, getClient) => {
    const accountId = await account(getClient);
    const fn = fleet.functions.find(
      f => f.accountId === accountId && f.name === input.FunctionName,
    );
    const arn = `${REGION_ACCOUNT_ARN(accountId)}:function:${
      input.FunctionName
    }:${input.Qualifier}`;
    if (!fn || !fn.live || input.Qualifier !== 'live') {
      throw new ResourceNotFoundException({
        message: `Function not found: ${arn}`,
        $metadata: {},
      });
    }
    const packageType = fn.packageType ?? 'Image';
    return {
      $metadata: {},
      Configuration: {
        FunctionName: fn.name,
        FunctionArn: `${REGION_ACCOUNT_ARN(accountId)}:function:${fn.name}:${
          fn.live.version
        }`,
        PackageType: packageType,
        CodeSha256: fn.live.codeSha256,
        Version: fn.live.version,
        MemorySize: fn.live.memorySize ?? 1024,
        Timeout: 300,
        LastModified: fn.live.lastModified ?? '2024-05-02T10:00:00.000+0000',
        Environment: { Variables: fn.environment },
        Architectures: ['arm64'],
        ...(packageType === 'Zip'
          ? { Runtime: 'nodejs20.x', Handler: 'index.handler' }
          : {}),
      },
      Code:
        packageType === 'Image'
          ? {
              RepositoryType: 'ECR',
              ImageUri: `${accountId}.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:${fn.live.codeSha256}`,
            }
          : {
              RepositoryType: 'S3',
              Location: 'https://example.invalid/code.zip',
            },
      Tags: {
        ...fn.tags,
        ...(fn.stackTagged && fn.stackName
          ? { 'aws:cloudformation:stack-name': fn.stackName }
          : {}),
      },
    };
  });

  cloudFormation
    .on(DescribeStacksCommand)
    .callsFake(async (input, getClient) => {
      const accountId = await account(getClient);
      const all = stacks.filter(s => s.accountId === accountId);
      const start = input.NextToken ? Number(input.NextToken) : 0;
      const end = start + stacksPerPage;
      return {
        $metadata: {},
        Stacks: all.slice(start, end).map(stack => ({
          StackName: stack.name,
          StackId: stackId(stack),
          StackStatus: 'UPDATE_COMPLETE',
          CreationTime: new Date(),
          Tags: Object.entries(stack.tags ?? {}).map(([Key, Value]) => ({
            Key,
            Value,
          })),
        })),
        NextToken: end < all.length ? String(end) : undefined,
      };
    });

  cloudFormation
    .on(ListStackResourcesCommand)
    .callsFake(async (input, getClient) => {
      const accountId = await account(getClient);
      const held = fleet.functions.filter(
        fn => fn.accountId === accountId && fn.stackName === input.StackName,
      );
      return {
        $metadata: {},
        StackResourceSummaries: [
          {
            LogicalResourceId: 'Role',
            PhysicalResourceId: `${input.StackName}-role`,
            ResourceType: 'AWS::IAM::Role',
            ResourceStatus: 'CREATE_COMPLETE',
            LastUpdatedTimestamp: new Date(),
          },
          ...held.map(fn => ({
            LogicalResourceId: 'Function',
            PhysicalResourceId: fn.name,
            ResourceType: 'AWS::Lambda::Function',
            ResourceStatus: 'CREATE_COMPLETE',
            LastUpdatedTimestamp: new Date(),
          })),
        ],
      };
    });

  // The tag walk: functions carrying every filtered key (with a value among the filter's, if any).
  const tagging = mockClient(ResourceGroupsTaggingAPIClient);
  tagging.on(GetResourcesCommand).callsFake(async (input, getClient) => {
    const accountId = await account(getClient);
    const all = fleet.functions
      .filter(
        fn =>
          fn.accountId === accountId &&
          fn.tags &&
          (input.ResourceTypeFilters ?? []).includes('lambda:function') &&
          (input.TagFilters ?? []).every(
            (filter: TagFilter) =>
              fn.tags![filter.Key!] !== undefined &&
              (!filter.Values?.length ||
                filter.Values.includes(fn.tags![filter.Key!])),
          ),
      )
      .sort((a, b) => a.name.localeCompare(b.name));
    const start = input.PaginationToken ? Number(input.PaginationToken) : 0;
    const end = start + (input.ResourcesPerPage ?? 50);
    return {
      $metadata: {},
      ResourceTagMappingList: all.slice(start, end).map(fn => ({
        ResourceARN: `${REGION_ACCOUNT_ARN(accountId)}:function:${fn.name}`,
        Tags: Object.entries(fn.tags!).map(([Key, Value]) => ({ Key, Value })),
      })),
      // AWS ends the walk with an empty token.
      PaginationToken: end < all.length ? String(end) : '',
    };
  });

  return {
    lambda,
    cloudFormation,
    tagging,
    restore() {
      lambda.restore();
      cloudFormation.restore();
      tagging.restore();
    },
  };
}
