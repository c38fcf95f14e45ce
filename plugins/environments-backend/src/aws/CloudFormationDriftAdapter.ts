import {
  CloudFormationClient,
  DescribeStackDriftDetectionStatusCommand,
  DescribeStackDriftDetectionStatusCommandOutput,
  DescribeStackResourceDriftsCommand,
  DetectStackDriftCommand,
} from '@aws-sdk/client-cloudformation';
import {
  DriftDetectionUnsupportedError,
  ResourceDrift,
  StackDriftDetector,
  StackDriftReport,
} from '../compliance/types';
import { CallCounter } from './CallCounter';
import { callAws } from './callAws';
import { LocationRateLimiter } from './RateLimiter';

/** AWS error names meaning "this endpoint has no such operation". */
const UNSUPPORTED_ERROR_NAMES = new Set([
  'NotImplemented',
  'NotImplementedException',
  'InvalidAction',
  'UnknownOperationException',
  'UnsupportedOperation',
  'UnsupportedOperationException',
]);

/**
 * Whether an error says the endpoint does not offer drift detection, rather than that the call failed.
 * Besides AWS's own "unknown operation" errors, an HTTP 501, or a 5xx answered with an HTML page or a
 * "not implemented" text instead of an AWS error document (moto answers an unimplemented action with a
 * bare HTML 500 page, which the SDK may also report as an XML parse error of that page) count as
 * unsupported.
 */
export function isDriftDetectionUnsupported(error: unknown): boolean {
  for (let e: any = error; e; e = e.cause) {
    if (
      UNSUPPORTED_ERROR_NAMES.has(e.name) ||
      UNSUPPORTED_ERROR_NAMES.has(e.Code)
    ) {
      return true;
    }
    const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
    if (status === 501) {
      return true;
    }
    // The SDK could not even parse the answer as XML because it was an HTML page: not an AWS API.
    if (
      typeof e.message === 'string' &&
      /XML parse error.*<html/is.test(e.message)
    ) {
      return true;
    }
    const body: unknown = e.$responseBodyText ?? e.$response?.body;
    if (
      typeof status === 'number' &&
      status >= 500 &&
      typeof body === 'string' &&
      (/not (yet )?implemented/i.test(body) ||
        /^\s*<(!doctype html|html)/i.test(body))
    ) {
      return true;
    }
  }
  return false;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/**
 * Runs CloudFormation drift detection on a stack of one account-region: DetectStackDrift, then
 * DescribeStackDriftDetectionStatus until it completes, then DescribeStackResourceDrifts for the
 * drifted resources. Every call goes through the location's CloudFormation budget.
 */
export class CloudFormationDriftAdapter implements StackDriftDetector {
  private readonly client: CloudFormationClient;
  private readonly limiter: LocationRateLimiter;
  private readonly callCounter?: CallCounter;
  private readonly pollIntervalMs: number;
  private readonly maxWaitMs: number;

  constructor(options: {
    client: CloudFormationClient;
    limiter: LocationRateLimiter;
    callCounter?: CallCounter;
    /** Between status polls; default 5 s (detection of a small stack takes seconds to a minute). */
    pollIntervalMs?: number;
    /** Give up waiting after this long; default 5 minutes. */
    maxWaitMs?: number;
  }) {
    this.client = options.client;
    this.limiter = options.limiter;
    this.callCounter = options.callCounter;
    this.pollIntervalMs = options.pollIntervalMs ?? 5_000;
    this.maxWaitMs = options.maxWaitMs ?? 300_000;
  }

  async detectDrift(
    stackName: string,
    signal?: AbortSignal,
  ): Promise<StackDriftReport> {
    let detectionId: string | undefined;
    try {
      const started = await callAws({
        operation: 'cloudformation:DetectStackDrift',
        budget: 'cloudFormation',
        limiter: this.limiter,
        callCounter: this.callCounter,
        signal,
        call: () =>
          this.client.send(
            new DetectStackDriftCommand({ StackName: stackName }),
            {
              abortSignal: signal,
            },
          ),
      });
      detectionId = started.StackDriftDetectionId;
    } catch (error) {
      if (isDriftDetectionUnsupported(error)) {
        throw new DriftDetectionUnsupportedError(
          `CloudFormation drift detection is not available here (DetectStackDrift: ${
            (error as Error).message
          })`,
          { cause: error },
        );
      }
      throw error;
    }
    if (!detectionId) {
      throw new Error(
        `DetectStackDrift for ${stackName} returned no detection id`,
      );
    }

    const status = await this.waitForDetection(stackName, detectionId, signal);
    const resources = await this.drifted(stackName, signal);
    return {
      stackName,
      ...(status.StackId ? { stackId: status.StackId } : {}),
      stackDriftStatus: status.StackDriftStatus ?? 'UNKNOWN',
      checkedAt: (status.Timestamp ?? new Date()).toISOString(),
      ...(status.DetectionStatus === 'DETECTION_FAILED'
        ? {
            detectionStatusReason:
              status.DetectionStatusReason ??
              'detection failed for some resources',
          }
        : {}),
      resources,
    };
  }

  private async waitForDetection(
    stackName: string,
    detectionId: string,
    signal?: AbortSignal,
  ): Promise<DescribeStackDriftDetectionStatusCommandOutput> {
    const deadline = Date.now() + this.maxWaitMs;
    for (;;) {
      const status = await callAws({
        operation: 'cloudformation:DescribeStackDriftDetectionStatus',
        budget: 'cloudFormation',
        limiter: this.limiter,
        callCounter: this.callCounter,
        signal,
        call: () =>
          this.client.send(
            new DescribeStackDriftDetectionStatusCommand({
              StackDriftDetectionId: detectionId,
            }),
            { abortSignal: signal },
          ),
      });
      // DETECTION_FAILED still carries the results of the resources that could be checked.
      if (status.DetectionStatus !== 'DETECTION_IN_PROGRESS') {
        return status;
      }
      if (Date.now() + this.pollIntervalMs > deadline) {
        throw new Error(
          `Drift detection of stack ${stackName} did not finish within ${Math.round(
            this.maxWaitMs / 1000,
          )} s`,
        );
      }
      await sleep(this.pollIntervalMs, signal);
    }
  }

  private async drifted(
    stackName: string,
    signal?: AbortSignal,
  ): Promise<ResourceDrift[]> {
    const resources: ResourceDrift[] = [];
    let nextToken: string | undefined;
    do {
      const command = new DescribeStackResourceDriftsCommand({
        StackName: stackName,
        StackResourceDriftStatusFilters: ['MODIFIED', 'DELETED'],
        NextToken: nextToken,
      });
      const page = await callAws({
        operation: 'cloudformation:DescribeStackResourceDrifts',
        budget: 'cloudFormation',
        limiter: this.limiter,
        callCounter: this.callCounter,
        signal,
        call: () => this.client.send(command, { abortSignal: signal }),
      });
      for (const drift of page.StackResourceDrifts ?? []) {
        resources.push({
          logicalResourceId: drift.LogicalResourceId ?? '',
          ...(drift.PhysicalResourceId
            ? { physicalResourceId: drift.PhysicalResourceId }
            : {}),
          resourceType: drift.ResourceType ?? '',
          status: drift.StackResourceDriftStatus ?? 'UNKNOWN',
          differences: (drift.PropertyDifferences ?? []).map(difference => ({
            propertyPath: difference.PropertyPath ?? '',
            ...(difference.ExpectedValue !== undefined
              ? { expectedValue: difference.ExpectedValue }
              : {}),
            ...(difference.ActualValue !== undefined
              ? { actualValue: difference.ActualValue }
              : {}),
            differenceType: difference.DifferenceType ?? 'NOT_EQUAL',
          })),
        });
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return resources;
  }
}
