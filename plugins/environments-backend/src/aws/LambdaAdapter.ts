import {
  FunctionConfiguration as SdkFunctionConfiguration,
  GetFunctionCommand,
  LambdaClient,
  ListFunctionsCommand,
} from '@aws-sdk/client-lambda';
import { normaliseCodeDigest } from '@internal/backstage-plugin-environments-common';
import { CallCounter } from './CallCounter';
import { AwsCallError, callAws } from './callAws';
import { LocationRateLimiter } from './RateLimiter';
import {
  LambdaFunctionState,
  LambdaReader,
  ListedFunction,
  PublishedVersion,
} from './types';
import { showableVariableValues } from './variableValues';

/** The alias that marks what runs in an environment. */
export const LIVE_ALIAS = 'live';

/** Entries ($LATEST or a published version) per ListFunctions page (the API's maximum). */
const PAGE_SIZE = 50;

/** Reads Lambda functions of one account-region and turns the SDK's shapes into ours. */
export class LambdaAdapter implements LambdaReader {
  private readonly client: LambdaClient;
  private readonly limiter: LocationRateLimiter;
  private readonly callCounter?: CallCounter;

  constructor(options: {
    client: LambdaClient;
    limiter: LocationRateLimiter;
    callCounter?: CallCounter;
  }) {
    this.client = options.client;
    this.limiter = options.limiter;
    this.callCounter = options.callCounter;
  }

  /**
   * One pass of ListFunctions with FunctionVersion=ALL: each function's $LATEST entry and every
   * published version, 50 entries a page. A function's entries may span pages; they are grouped by name.
   */
  async listFunctions(signal?: AbortSignal): Promise<ListedFunction[]> {
    const latest = new Map<string, LambdaFunctionState>();
    const versions = new Map<string, PublishedVersion[]>();
    let marker: string | undefined;
    do {
      const command = new ListFunctionsCommand({
        FunctionVersion: 'ALL',
        Marker: marker,
        MaxItems: PAGE_SIZE,
      });
      const page = await callAws({
        operation: 'lambda:ListFunctions',
        budget: 'lambdaControlPlane',
        limiter: this.limiter,
        callCounter: this.callCounter,
        signal,
        call: () => this.client.send(command, { abortSignal: signal }),
      });
      for (const configuration of page.Functions ?? []) {
        if (!configuration.Version || configuration.Version === '$LATEST') {
          const state = toFunctionState(configuration, { liveAlias: null });
          latest.set(state.functionName, state);
          continue;
        }
        const version = toPublishedVersion(configuration);
        if (version && configuration.FunctionName) {
          const known = versions.get(configuration.FunctionName) ?? [];
          known.push(version);
          versions.set(configuration.FunctionName, known);
        }
      }
      marker = page.NextMarker;
    } while (marker);
    return [...latest.values()].map(state => ({
      state,
      versions: (versions.get(state.functionName) ?? []).sort(
        (a, b) => Number(a.version) - Number(b.version),
      ),
    }));
  }

  async getLiveFunction(
    functionName: string,
    signal?: AbortSignal,
  ): Promise<LambdaFunctionState | undefined> {
    try {
      const output = await callAws({
        operation: 'lambda:GetFunction',
        budget: 'getFunction',
        limiter: this.limiter,
        callCounter: this.callCounter,
        signal,
        call: () =>
          this.client.send(
            new GetFunctionCommand({
              FunctionName: functionName,
              Qualifier: LIVE_ALIAS,
            }),
            { abortSignal: signal },
          ),
      });
      if (!output.Configuration) {
        throw new Error(
          `GetFunction returned no configuration for ${functionName}:${LIVE_ALIAS}`,
        );
      }
      return toFunctionState(output.Configuration, {
        // The qualified call returns the configuration of the version the alias points at.
        liveAlias: { version: output.Configuration.Version ?? LIVE_ALIAS },
        tags: output.Tags,
        imageUri: output.Code?.ImageUri,
        resolvedImageUri: output.Code?.ResolvedImageUri,
        // Real AWS returns Concurrency only when reserved concurrency is set, moto never does:
        // absence stays "unknown" rather than claiming "none".
        reservedConcurrency: output.Concurrency?.ReservedConcurrentExecutions,
      });
    } catch (error) {
      // Lambda answers a missing alias with ResourceNotFoundException on the qualified name.
      if (
        error instanceof AwsCallError &&
        error.awsErrorName === 'ResourceNotFoundException'
      ) {
        return undefined;
      }
      throw error;
    }
  }
}

function showableValues(variables: Record<string, string> | undefined) {
  const values = showableVariableValues(variables ?? {});
  return Object.keys(values).length > 0
    ? { environmentVariableValues: values }
    : {};
}

/** Turns an SDK function configuration into our state; environment variable values are dropped here. */
export function toFunctionState(
  configuration: SdkFunctionConfiguration,
  extra: {
    liveAlias: LambdaFunctionState['liveAlias'];
    tags?: Record<string, string>;
    imageUri?: string;
    resolvedImageUri?: string;
    reservedConcurrency?: number;
  },
): LambdaFunctionState {
  const { FunctionName, FunctionArn } = configuration;
  if (!FunctionName || !FunctionArn) {
    throw new Error(
      'Lambda returned a function without FunctionName or FunctionArn',
    );
  }
  const packageType = configuration.PackageType === 'Image' ? 'Image' : 'Zip';
  const digest = normaliseCodeDigest({
    packageType,
    codeSha256: configuration.CodeSha256,
    resolvedImageUri: extra.resolvedImageUri,
  });
  return {
    functionName: FunctionName,
    functionArn: unqualifiedArn(FunctionArn),
    liveAlias: extra.liveAlias,
    digest: digest?.value,
    digestKind: digest?.kind,
    imageUri: extra.imageUri,
    deployedAt: toIsoDate(configuration.LastModified),
    configuration: {
      packageType,
      memorySize: configuration.MemorySize,
      timeout: configuration.Timeout,
      reservedConcurrency: extra.reservedConcurrency,
      architectures: configuration.Architectures ?? [],
      runtime: configuration.Runtime,
      handler: configuration.Handler,
      environmentVariableNames: Object.keys(
        configuration.Environment?.Variables ?? {},
      ).sort(),
      // Values that may hold secrets never leave this adapter.
      ...showableValues(configuration.Environment?.Variables),
      layers: (configuration.Layers ?? []).flatMap(layer =>
        layer.Arn ? [layer.Arn] : [],
      ),
    },
    tags: { ...extra.tags },
  };
}

/** A published version as ListFunctions lists it; undefined when it has no digest or no readable date. */
export function toPublishedVersion(
  configuration: SdkFunctionConfiguration,
): PublishedVersion | undefined {
  const digest = normaliseCodeDigest({
    packageType: configuration.PackageType === 'Image' ? 'Image' : 'Zip',
    codeSha256: configuration.CodeSha256,
  });
  const publishedAt = toIsoDate(configuration.LastModified);
  if (!configuration.Version || !digest || !publishedAt) {
    return undefined;
  }
  return {
    version: configuration.Version,
    digest: digest.value,
    digestKind: digest.kind,
    publishedAt,
  };
}

/** `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]` without the qualifier. */
function unqualifiedArn(arn: string): string {
  return arn.split(':').slice(0, 7).join(':');
}

/** Lambda's LastModified (`2024-05-01T10:00:00.000+0000`) as ISO 8601; undefined when unreadable. */
function toIsoDate(value: string | undefined): string | undefined {
  if (!value) {
    return undefined;
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
