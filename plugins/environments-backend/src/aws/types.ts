import {
  DigestKind,
  FunctionResource,
} from '@internal/backstage-plugin-environments-common';
import type { LambdaDeployer } from './LambdaDeployer';
import type { StackLiveAliases } from './stackTemplate';

/** An account and region: the unit AWS quotas, credentials and clients are per. */
export interface AwsLocation {
  accountId: string;
  region: string;
}

/** What Lambda says about one function, in our terms: everything of a FunctionResource but the mapping. */
export type LambdaFunctionState = Omit<
  FunctionResource,
  'accountId' | 'region' | 'discoveredBy' | 'expectedName' | 'primary' | 'stack'
>;

/** A published version of a function: every deployment publishes one, so they are what ran there, in order. */
export interface PublishedVersion {
  /** The version number, e.g. `3`. */
  version: string;
  digest: string;
  digestKind: DigestKind;
  /** When the version was published (its LastModified), ISO 8601. */
  publishedAt: string;
}

/** A function as ListFunctions(FunctionVersion=ALL) describes it: its $LATEST state and its published versions. */
export interface ListedFunction {
  /** The unqualified ($LATEST) configuration: liveAlias null, no tags (ListFunctions returns none). */
  state: LambdaFunctionState;
  /** Its published versions, oldest first (by version number); those without a digest or date are left out. */
  versions: PublishedVersion[];
}

/** A CloudFormation stack as the collector needs it. */
export interface StackSummary {
  stackName: string;
  stackId: string;
  status: string;
  /** When the stack was last updated (or created), ISO 8601. */
  updatedAt?: string;
  tags: Record<string, string>;
}

/** Reads Lambda functions of one account-region. */
export interface LambdaReader {
  /**
   * Every function of the account-region with its published versions, from the pages of one
   * ListFunctions(FunctionVersion=ALL) pass: no call per function.
   */
  listFunctions(signal?: AbortSignal): Promise<ListedFunction[]>;
  /**
   * The function as its `live` alias runs it (configuration of the live version, code, tags);
   * undefined when the function has no `live` alias.
   */
  getLiveFunction(
    functionName: string,
    signal?: AbortSignal,
  ): Promise<LambdaFunctionState | undefined>;
}

/** Reads CloudFormation stacks of one account-region. */
export interface CloudFormationReader {
  /** Every stack that exists (not deleted). */
  listStacks(signal?: AbortSignal): Promise<StackSummary[]>;
  /** Names of the Lambda functions a stack holds. */
  listStackFunctionNames(
    stackName: string,
    signal?: AbortSignal,
  ): Promise<string[]>;
  /** The `live` aliases the stack's template defines (GetTemplate, read again only when the stack changed). */
  liveAliases(
    stack: StackSummary,
    signal?: AbortSignal,
  ): Promise<StackLiveAliases>;
}

/** A resource as the Resource Groups Tagging API lists it: its ARN and its tags. */
export interface TaggedResource {
  arn: string;
  tags: Record<string, string>;
}

/** Which tagged resources to list. */
export interface TaggedResourceFilter {
  /** Resource types as the Tagging API spells them, e.g. `lambda:function`, `dynamodb:table`. */
  resourceTypes: string[];
  /** Tag keys every resource must carry, with any value. */
  tagKeys: string[];
}

/** Lists the tagged resources of one account-region, of every type the caller asks for, in one walk. */
export interface TaggedResourceReader {
  listTaggedResources(
    filter: TaggedResourceFilter,
    signal?: AbortSignal,
  ): Promise<TaggedResource[]>;
}

/** The readers for one account-region. */
export interface LocationReaders {
  lambda: LambdaReader;
  cloudFormation: CloudFormationReader;
  tagging: TaggedResourceReader;
}

/** Gives the readers of an account-region; rejects when the account cannot be reached (e.g. no credentials). */
export interface LocationReaderSource {
  forLocation(location: AwsLocation): Promise<LocationReaders>;
}

/** Gives a {@link LambdaDeployer} per account-region, reading with the read role or writing as a user. */
export interface DeployerSource {
  /** With the read role of the account (the `aws` section). */
  forRead(location: AwsLocation): Promise<LambdaDeployer>;
  /** With the account's write role, assumed in a session named after `userRef` so CloudTrail records who acted. */
  forWrite(location: AwsLocation, userRef: string): Promise<LambdaDeployer>;
}

/** A Parameter Store parameter as the product keeps it: never a SecureString's value. */
export interface StoredParameter {
  /** The full name, e.g. `/smartstack/prod/api-url`. */
  name: string;
  /** `String`, `StringList` or `SecureString`. */
  type: string;
  version?: number;
  /** Only for String and StringList parameters. */
  value?: string;
}

/** Reads the Parameter Store parameters of one account-region. */
export interface ParameterReader {
  /** Every parameter under the path (recursively), paged: one call per page, none per parameter. */
  listParameters(
    path: string,
    signal?: AbortSignal,
  ): Promise<StoredParameter[]>;
}

/** Reads the names of the Secrets Manager secrets of one account-region; never a value. */
export interface SecretNameReader {
  /** Names of the secrets whose name starts with one of the prefixes, sorted. */
  listSecretNames(prefixes: string[], signal?: AbortSignal): Promise<string[]>;
}
