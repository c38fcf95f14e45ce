import {
  FunctionConfiguration,
  GetAliasCommand,
  GetFunctionCommand,
  LambdaClient,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { ConflictError } from '@backstage/errors';
import { normaliseCodeDigest } from '@internal/backstage-plugin-environments-common';
import { AwsCallError } from './callAws';
import { LIVE_ALIAS } from './LambdaAdapter';

/** What a function's `live` alias points at. */
export interface LiveAliasState {
  /** The version receiving the traffic not routed elsewhere. */
  version: string;
  revisionId?: string;
  /** Extra versions receiving a share of the traffic (0..1), while traffic is shifting. Empty otherwise. */
  routing: Record<string, number>;
  aliasArn?: string;
}

/** A function version (or `$LATEST`, or what an alias serves) as a deployment needs it. */
export interface FunctionVersionState {
  version: string;
  /** `sha256:<hex>` for image functions. */
  digest?: string;
  /** Lambda's CodeSha256 as reported. */
  codeSha256?: string;
  imageUri?: string;
  /** When this version was published (its LastModified), ISO 8601. */
  lastModified?: string;
  /** Lambda's State (`Active`, `Inactive`, `Failed`, …). */
  state?: string;
  stateReason?: string;
  lastUpdateStatus?: string;
  revisionId?: string;
  description?: string;
  /** The function's tags; only when read with GetFunction. */
  tags?: Record<string, string>;
}

/** Options of {@link LambdaDeployer}. */
export interface LambdaDeployerOptions {
  lambda: LambdaClient;
  /** How long to wait for UpdateFunctionCode to finish; default 300 s. */
  updateTimeoutSeconds?: number;
}

/**
 * The write side of Lambda for promotions and rollbacks in one account-region: each method is one step,
 * guarded so that a step never acts on something else than what was checked (digest-pinned image URI,
 * CodeSha256 on publish, the alias's RevisionId on switch). SDK shapes stop here.
 */
export class LambdaDeployer {
  private readonly lambda: LambdaClient;
  private readonly updateTimeoutSeconds: number;

  constructor(options: LambdaDeployerOptions) {
    this.lambda = options.lambda;
    this.updateTimeoutSeconds = options.updateTimeoutSeconds ?? 300;
  }

  /** The `live` alias; undefined when the function has none. */
  async getLiveAlias(
    functionName: string,
  ): Promise<LiveAliasState | undefined> {
    try {
      const alias = await call('lambda:GetAlias', () =>
        this.lambda.send(
          new GetAliasCommand({ FunctionName: functionName, Name: LIVE_ALIAS }),
        ),
      );
      return {
        version: alias.FunctionVersion ?? '',
        revisionId: alias.RevisionId,
        routing: { ...alias.RoutingConfig?.AdditionalVersionWeights },
        aliasArn: alias.AliasArn,
      };
    } catch (error) {
      if (isNotFound(error)) {
        return undefined;
      }
      throw error;
    }
  }

  /** A version, `$LATEST` or an alias (`live`) as GetFunction describes it; undefined when it does not exist. */
  async getVersion(
    functionName: string,
    qualifier: string,
  ): Promise<FunctionVersionState | undefined> {
    try {
      const output = await call('lambda:GetFunction', () =>
        this.lambda.send(
          new GetFunctionCommand({
            FunctionName: functionName,
            Qualifier: qualifier,
          }),
        ),
      );
      if (!output.Configuration) {
        throw new Error(
          `GetFunction returned no configuration for ${functionName}:${qualifier}`,
        );
      }
      return {
        ...toVersionState(output.Configuration),
        imageUri: output.Code?.ImageUri,
        tags: { ...output.Tags },
      };
    } catch (error) {
      if (isNotFound(error)) {
        return undefined;
      }
      throw error;
    }
  }

  /** Every published version (not `$LATEST`), oldest first. */
  async listVersions(functionName: string): Promise<FunctionVersionState[]> {
    const versions: FunctionVersionState[] = [];
    let marker: string | undefined;
    do {
      const input = { FunctionName: functionName, Marker: marker };
      const page = await call('lambda:ListVersionsByFunction', () =>
        this.lambda.send(new ListVersionsByFunctionCommand(input)),
      );
      for (const configuration of page.Versions ?? []) {
        if (configuration.Version && configuration.Version !== '$LATEST') {
          versions.push(toVersionState(configuration));
        }
      }
      marker = page.NextMarker;
    } while (marker);
    return versions.sort((a, b) => Number(a.version) - Number(b.version));
  }

  /** Points `$LATEST` at an image pinned by digest (`…/repo@sha256:…`); tags are refused: they move. */
  async updateCode(
    functionName: string,
    imageUri: string,
  ): Promise<{ revisionId?: string }> {
    if (!/@sha256:[a-f0-9]{64}$/.test(imageUri)) {
      throw new Error(
        `Refusing to deploy ${imageUri}: the image URI must be pinned by digest (@sha256:…)`,
      );
    }
    const output = await call('lambda:UpdateFunctionCode', () =>
      this.lambda.send(
        new UpdateFunctionCodeCommand({
          FunctionName: functionName,
          ImageUri: imageUri,
        }),
      ),
    );
    return { revisionId: output.RevisionId };
  }

  /**
   * Waits until the last update of the function finished (LastUpdateStatus Successful) and returns `$LATEST`.
   * Throws when the update failed or did not finish in time.
   */
  async waitForUpdate(functionName: string): Promise<FunctionVersionState> {
    try {
      await waitUntilFunctionUpdatedV2(
        {
          client: this.lambda,
          maxWaitTime: this.updateTimeoutSeconds,
          minDelay: 1,
          maxDelay: 10,
        },
        { FunctionName: functionName },
      );
    } catch (error) {
      const latest = await this.getVersion(functionName, '$LATEST').catch(
        () => undefined,
      );
      const status = latest?.lastUpdateStatus ?? 'unknown';
      throw new Error(
        `The update of ${functionName} did not succeed within ${this.updateTimeoutSeconds} s ` +
          `(LastUpdateStatus ${status}${
            latest?.stateReason ? `: ${latest.stateReason}` : ''
          }): ${(error as Error).message}`,
      );
    }
    const latest = await this.getVersion(functionName, '$LATEST');
    if (!latest) {
      throw new Error(`${functionName} disappeared while it was being updated`);
    }
    return latest;
  }

  /**
   * Publishes `$LATEST` as a new version, only if its code is the expected digest (Lambda's CodeSha256
   * guard) and, when given, nothing changed since `revisionId`. The answer is checked as well, because an
   * emulator may not enforce the guard.
   */
  async publishVersion(
    functionName: string,
    options: { digest: string; revisionId?: string; description?: string },
  ): Promise<FunctionVersionState> {
    const expectedHex = hexOf(options.digest);
    const output = await call('lambda:PublishVersion', () =>
      this.lambda.send(
        new PublishVersionCommand({
          FunctionName: functionName,
          CodeSha256: expectedHex,
          RevisionId: options.revisionId,
          Description: options.description,
        }),
      ),
    );
    const published = toVersionState(output);
    if (published.codeSha256?.toLowerCase() !== expectedHex) {
      throw new ConflictError(
        `Lambda published version ${published.version} of ${functionName} with CodeSha256 ` +
          `${
            published.codeSha256 ?? 'none'
          }, expected ${expectedHex}: the code is not the promoted digest`,
      );
    }
    return published;
  }

  /**
   * Points `live` at `version` (optionally routing a share of the traffic to other versions). Guarded
   * twice: the alias is read first and must still point at `expectedVersion` with `expectedRevisionId`,
   * and UpdateAlias carries the RevisionId so that AWS refuses a change made in between (ConflictError).
   */
  async switchAlias(
    functionName: string,
    options: {
      version: string;
      routing?: Record<string, number>;
      expectedVersion?: string;
      expectedRevisionId?: string;
    },
  ): Promise<LiveAliasState> {
    const current = await this.getLiveAlias(functionName);
    if (!current) {
      throw new ConflictError(`${functionName} has no ${LIVE_ALIAS} alias`);
    }
    if (
      options.expectedVersion !== undefined &&
      current.version !== options.expectedVersion
    ) {
      throw new ConflictError(
        `The ${LIVE_ALIAS} alias of ${functionName} points at version ${current.version}, not ` +
          `${options.expectedVersion}: it changed since this began; nothing was switched`,
      );
    }
    if (
      options.expectedRevisionId !== undefined &&
      current.revisionId !== options.expectedRevisionId
    ) {
      throw new ConflictError(
        `The ${LIVE_ALIAS} alias of ${functionName} changed since this began (revision ` +
          `${current.revisionId}, expected ${options.expectedRevisionId}); nothing was switched`,
      );
    }
    const output = await call('lambda:UpdateAlias', () =>
      this.lambda.send(
        new UpdateAliasCommand({
          FunctionName: functionName,
          Name: LIVE_ALIAS,
          FunctionVersion: options.version,
          RevisionId: options.expectedRevisionId,
          // An empty map clears a previous traffic shift.
          RoutingConfig: { AdditionalVersionWeights: options.routing ?? {} },
        }),
      ),
    );
    return {
      version: output.FunctionVersion ?? options.version,
      revisionId: output.RevisionId,
      routing: { ...output.RoutingConfig?.AdditionalVersionWeights },
      aliasArn: output.AliasArn,
    };
  }
}

/** `sha256:<hex>` or `<hex>` → lower-case hex, as Lambda's CodeSha256 of an image. */
export function hexOf(digest: string): string {
  const hex = digest.toLowerCase().replace(/^sha256:/, '');
  if (!/^[a-f0-9]{64}$/.test(hex)) {
    throw new Error(
      `'${digest}' is not an image digest (sha256:<64 hex characters>)`,
    );
  }
  return hex;
}

function toVersionState(
  configuration: FunctionConfiguration,
): FunctionVersionState {
  const digest = normaliseCodeDigest({
    packageType: configuration.PackageType,
    codeSha256: configuration.CodeSha256,
  });
  return {
    version: configuration.Version ?? '$LATEST',
    digest: digest?.value,
    codeSha256: configuration.CodeSha256,
    lastModified: toIsoDate(configuration.LastModified),
    state: configuration.State,
    stateReason:
      configuration.StateReason ?? configuration.LastUpdateStatusReason,
    lastUpdateStatus: configuration.LastUpdateStatus,
    revisionId: configuration.RevisionId,
    description: configuration.Description,
  };
}

/** Makes one SDK call; AWS's precondition and conflict errors become ConflictError, others AwsCallError. */
async function call<T>(operation: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    const name = (error as Error)?.name;
    if (
      name === 'PreconditionFailedException' ||
      name === 'ResourceConflictException'
    ) {
      throw new ConflictError(
        `${operation} refused by AWS: ${name}: ${(error as Error).message}`,
        error,
      );
    }
    throw new AwsCallError(operation, error);
  }
}

function isNotFound(error: unknown): boolean {
  return (
    error instanceof AwsCallError &&
    error.awsErrorName === 'ResourceNotFoundException'
  );
}

function toIsoDate(value: string | undefined): string | undefined {
  if (!value) {
    return undefined;
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
