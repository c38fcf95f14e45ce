import {
  GetFunctionCommand,
  LambdaClient,
  ListAliasesCommand,
  ListFunctionsCommand,
  ListTagsCommand,
  ListVersionsByFunctionCommand,
} from '@aws-sdk/client-lambda';
import { AwsCredentialsManager } from '@backstage/integration-aws-node';
import { forEachConcurrently } from './concurrency';
import { ENVIRONMENTS, REGION } from './fleet';

/** What the naive strategy learns of one function: enough to compare with the collector's result. */
export interface NaiveFunction {
  accountId: string;
  functionName: string;
  liveVersion?: string;
  /** Hex CodeSha256 of the live version. */
  liveCodeSha256?: string;
  tags: Record<string, string>;
}

/** Calls in flight per account, as the collector's GetFunction phase uses. */
const CONCURRENCY = 16;

/**
 * The strategy the collector is compared with: list the functions, then for every function
 * GetFunction + ListAliases + ListVersionsByFunction + ListTags (each list call paged to the end).
 * Reads no CloudFormation. `count` is told of every call.
 */
export async function naiveRefresh(options: {
  credentialsManager: AwsCredentialsManager;
  endpoint: string;
  count: (accountId: string, operation: string) => void;
}): Promise<NaiveFunction[]> {
  const { credentialsManager, endpoint, count } = options;
  const perAccount = await Promise.all(
    ENVIRONMENTS.map(async environment => {
      const { accountId } = environment.locations[0];
      const { sdkCredentialProvider } =
        await credentialsManager.getCredentialProvider({ accountId });
      const lambda = new LambdaClient({
        region: REGION,
        endpoint,
        credentials: sdkCredentialProvider,
      });
      const counted = (operation: string) => count(accountId, operation);

      const names: string[] = [];
      let marker: string | undefined;
      do {
        counted('lambda:ListFunctions');
        const page = await lambda.send(
          new ListFunctionsCommand({ Marker: marker, MaxItems: 50 }),
        );
        names.push(...(page.Functions ?? []).map(f => f.FunctionName!));
        marker = page.NextMarker;
      } while (marker);

      const found: NaiveFunction[] = [];
      await forEachConcurrently(names, CONCURRENCY, async functionName => {
        counted('lambda:GetFunction');
        await lambda.send(
          new GetFunctionCommand({ FunctionName: functionName }),
        );
        const aliases = [];
        let aliasMarker: string | undefined;
        do {
          counted('lambda:ListAliases');
          const page = await lambda.send(
            new ListAliasesCommand({
              FunctionName: functionName,
              Marker: aliasMarker,
            }),
          );
          aliases.push(...(page.Aliases ?? []));
          aliasMarker = page.NextMarker;
        } while (aliasMarker);
        const versions = [];
        let versionMarker: string | undefined;
        do {
          counted('lambda:ListVersionsByFunction');
          const page = await lambda.send(
            new ListVersionsByFunctionCommand({
              FunctionName: functionName,
              Marker: versionMarker,
            }),
          );
          versions.push(...(page.Versions ?? []));
          versionMarker = page.NextMarker;
        } while (versionMarker);
        counted('lambda:ListTags');
        const { Tags } = await lambda.send(
          new ListTagsCommand({
            Resource: `arn:aws:lambda:${REGION}:${accountId}:function:${functionName}`,
          }),
        );
        const liveVersion = aliases.find(
          a => a.Name === 'live',
        )?.FunctionVersion;
        found.push({
          accountId,
          functionName,
          liveVersion,
          liveCodeSha256: versions.find(v => v.Version === liveVersion)
            ?.CodeSha256,
          tags: Tags ?? {},
        });
      });
      return found;
    }),
  );
  return perAccount.flat();
}
