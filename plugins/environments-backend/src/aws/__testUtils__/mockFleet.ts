import {
  CloudFormationClient,
  DescribeStacksCommand,
  GetTemplateCommand,
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
  /** Whether its stack's template defines its `live` alias. */
  stackOwnsLiveAlias?: boolean;
}

/** A CloudFormation stack of the fake fleet. */
export interface FakeStack {
  accountId: string;
  name: string;
  tags?: Record<string, string>;
  /** Its LastUpdatedTime; a test changes it to update the stack. */
  updatedAt?: Date;
}

/** When the fake stacks were last updated, unless a test says otherwise. */
const STACKS_UPDATED_AT = new Date('2026-11-01T10:00:00Z');

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
          CreationTime: new Date('2026-10-01T10:00:00Z'),
          LastUpdatedTime: stack.updatedAt ?? STACKS_UPDATED_AT,
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

  // The template of a stack: its functions by name, and the live alias of those whose stack defines it.
  cloudFormation.on(GetTemplateCommand).callsFake(async (input, getClient) => {
    const accountId = await account(getClient);
    const stack = stacks.find(
      st =>
        st.accountId === accountId &&
        (stackId(st) === input.StackName || st.name === input.StackName),
    );
    const held = fleet.functions.filter(
      fn => fn.accountId === accountId && fn.stackName === stack?.name,
    );
    const resources = held.flatMap((fn, i) => [
      [
        `Function${i}`,
        {
          Type: 'AWS::Lambda::Function',
          Properties: { FunctionName: fn.name },
        },
      ],
      ...(fn.stackOwnsLiveAlias
        ? [
            [
              `Live${i}`,
              {
                Type: 'AWS::Lambda::Alias',
                Properties: {
                  FunctionName: { Ref: `Function${i}` },
                  Name: 'live',
                },
              },
            ],
          ]
        : []),
    ]);
    return {
      $metadata: {},
      TemplateBody: JSON.stringify({
        Resources: Object.fromEntries(resources),
      }),
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
