import {
  CloudFormationClient,
  CloudFormationServiceException,
  DescribeStackDriftDetectionStatusCommand,
  DescribeStackResourceDriftsCommand,
  DetectStackDriftCommand,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { DriftDetectionUnsupportedError } from '../compliance/types';
import { CallCounter } from './CallCounter';
import {
  CloudFormationDriftAdapter,
  isDriftDetectionUnsupported,
} from './CloudFormationDriftAdapter';
import { LocationRateLimiter } from './RateLimiter';

const FAST_LIMITS = {
  getFunctionPerSecond: 1000,
  lambdaControlPlanePerSecond: 1000,
  cloudFormationPerSecond: 1000,
  taggingPerSecond: 1000,
};
const STACK_ID =
  'arn:aws:cloudformation:eu-west-1:333333333333:stack/shop-checkout-api-prod/1';

describe('CloudFormationDriftAdapter', () => {
  const cfn = mockClient(CloudFormationClient);
  let callCounter: CallCounter;

  function adapter(options: { maxWaitMs?: number } = {}) {
    return new CloudFormationDriftAdapter({
      client: new CloudFormationClient({ region: 'eu-west-1' }),
      limiter: new LocationRateLimiter(FAST_LIMITS),
      callCounter,
      pollIntervalMs: 1,
      ...options,
    });
  }

  beforeEach(() => {
    cfn.reset();
    callCounter = new CallCounter();
  });

  it('starts detection, polls until complete and returns the drifted resources with when they were checked', async () => {
    cfn
      .on(DetectStackDriftCommand)
      .resolves({ StackDriftDetectionId: 'det-1' });
    cfn
      .on(DescribeStackDriftDetectionStatusCommand)
      .resolvesOnce({
        StackId: STACK_ID,
        StackDriftDetectionId: 'det-1',
        DetectionStatus: 'DETECTION_IN_PROGRESS',
        Timestamp: new Date('2026-11-23T10:00:00Z'),
      })
      .resolves({
        StackId: STACK_ID,
        StackDriftDetectionId: 'det-1',
        DetectionStatus: 'DETECTION_COMPLETE',
        StackDriftStatus: 'DRIFTED',
        DriftedStackResourceCount: 2,
        Timestamp: new Date('2026-11-23T10:00:07Z'),
      });
    cfn
      .on(DescribeStackResourceDriftsCommand)
      .resolvesOnce({
        StackResourceDrifts: [
          {
            StackId: STACK_ID,
            LogicalResourceId: 'Function',
            PhysicalResourceId: 'shop-checkout-api-prod',
            ResourceType: 'AWS::Lambda::Function',
            StackResourceDriftStatus: 'MODIFIED',
            Timestamp: new Date('2026-11-23T10:00:06Z'),
            PropertyDifferences: [
              {
                PropertyPath: '/MemorySize',
                ExpectedValue: '1024',
                ActualValue: '2048',
                DifferenceType: 'NOT_EQUAL',
              },
            ],
          },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        StackResourceDrifts: [
          {
            StackId: STACK_ID,
            LogicalResourceId: 'Version',
            ResourceType: 'AWS::Lambda::Version',
            StackResourceDriftStatus: 'DELETED',
            Timestamp: new Date('2026-11-23T10:00:06Z'),
          },
        ],
      });

    const report = await adapter().detectDrift('shop-checkout-api-prod');

    expect(report).toEqual({
      stackName: 'shop-checkout-api-prod',
      stackId: STACK_ID,
      stackDriftStatus: 'DRIFTED',
      checkedAt: '2026-11-23T10:00:07.000Z',
      resources: [
        {
          logicalResourceId: 'Function',
          physicalResourceId: 'shop-checkout-api-prod',
          resourceType: 'AWS::Lambda::Function',
          status: 'MODIFIED',
          differences: [
            {
              propertyPath: '/MemorySize',
              expectedValue: '1024',
              actualValue: '2048',
              differenceType: 'NOT_EQUAL',
            },
          ],
        },
        {
          logicalResourceId: 'Version',
          resourceType: 'AWS::Lambda::Version',
          status: 'DELETED',
          differences: [],
        },
      ],
    });
    expect(
      cfn.commandCalls(DescribeStackDriftDetectionStatusCommand),
    ).toHaveLength(2);
    expect(
      cfn.commandCalls(DescribeStackResourceDriftsCommand)[0].args[0].input,
    ).toMatchObject({
      StackName: 'shop-checkout-api-prod',
      StackResourceDriftStatusFilters: ['MODIFIED', 'DELETED'],
    });
    expect(callCounter.callsByOperation()).toEqual({
      'cloudformation:DescribeStackDriftDetectionStatus': 2,
      'cloudformation:DescribeStackResourceDrifts': 2,
      'cloudformation:DetectStackDrift': 1,
    });
  });

  it('keeps the results of a detection that failed for some resources, with the reason', async () => {
    cfn
      .on(DetectStackDriftCommand)
      .resolves({ StackDriftDetectionId: 'det-2' });
    cfn.on(DescribeStackDriftDetectionStatusCommand).resolves({
      StackId: STACK_ID,
      StackDriftDetectionId: 'det-2',
      DetectionStatus: 'DETECTION_FAILED',
      DetectionStatusReason: 'Failed to detect drift on resource [Alias]',
      StackDriftStatus: 'IN_SYNC',
      Timestamp: new Date('2026-11-23T10:00:07Z'),
    });
    cfn
      .on(DescribeStackResourceDriftsCommand)
      .resolves({ StackResourceDrifts: [] });

    const report = await adapter().detectDrift('shop-checkout-api-prod');

    expect(report).toMatchObject({
      stackDriftStatus: 'IN_SYNC',
      detectionStatusReason: 'Failed to detect drift on resource [Alias]',
      resources: [],
    });
  });

  it('gives up waiting after the maximum wait', async () => {
    cfn
      .on(DetectStackDriftCommand)
      .resolves({ StackDriftDetectionId: 'det-3' });
    cfn.on(DescribeStackDriftDetectionStatusCommand).resolves({
      StackId: STACK_ID,
      StackDriftDetectionId: 'det-3',
      DetectionStatus: 'DETECTION_IN_PROGRESS',
      Timestamp: new Date(),
    });

    await expect(
      adapter({ maxWaitMs: 20 }).detectDrift('shop-checkout-api-prod'),
    ).rejects.toThrow(
      'Drift detection of stack shop-checkout-api-prod did not finish within 0 s',
    );
  });

  it('says drift detection is unsupported where the operation does not exist', async () => {
    cfn.on(DetectStackDriftCommand).rejects(
      new CloudFormationServiceException({
        name: 'InvalidAction',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message:
          'The action DetectStackDrift is not valid for this web service.',
      }),
    );

    const result = adapter().detectDrift('shop-checkout-api-prod');

    await expect(result).rejects.toBeInstanceOf(DriftDetectionUnsupportedError);
    await expect(result).rejects.toThrow(/not available here.*InvalidAction/);
  });

  it('passes other errors on as failures', async () => {
    cfn.on(DetectStackDriftCommand).rejects(
      new CloudFormationServiceException({
        name: 'ValidationError',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: 'Stack with id shop-gone-prod does not exist',
      }),
    );

    const result = adapter().detectDrift('shop-gone-prod');

    await expect(result).rejects.not.toBeInstanceOf(
      DriftDetectionUnsupportedError,
    );
    await expect(result).rejects.toThrow(/does not exist/);
  });
});

describe('isDriftDetectionUnsupported', () => {
  it("recognises moto's bare HTML 500 page and a 501", () => {
    const moto = Object.assign(new Error('Deserialization error'), {
      $metadata: { httpStatusCode: 500 },
      $response: {
        statusCode: 500,
        body: '<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>',
      },
    });
    expect(
      isDriftDetectionUnsupported(new Error('wrapped', { cause: moto })),
    ).toBe(true);
    expect(
      isDriftDetectionUnsupported(
        Object.assign(new Error('x'), { $metadata: { httpStatusCode: 501 } }),
      ),
    ).toBe(true);
  });

  it('recognises the SDK failing to parse an HTML page as XML', () => {
    expect(
      isDriftDetectionUnsupported(
        new Error(
          '@aws-sdk XML parse error: mismatched tags <html> and </head> (line 3)',
        ),
      ),
    ).toBe(true);
    expect(
      isDriftDetectionUnsupported(
        new Error('@aws-sdk XML parse error: unexpected end'),
      ),
    ).toBe(false);
  });

  it('does not take an AWS internal failure or throttling for a missing API', () => {
    expect(
      isDriftDetectionUnsupported(
        Object.assign(new Error('We encountered an internal error'), {
          name: 'InternalFailure',
          $metadata: { httpStatusCode: 500 },
        }),
      ),
    ).toBe(false);
    expect(
      isDriftDetectionUnsupported(
        Object.assign(new Error('Rate exceeded'), {
          name: 'Throttling',
          $metadata: { httpStatusCode: 400 },
        }),
      ),
    ).toBe(false);
  });
});
