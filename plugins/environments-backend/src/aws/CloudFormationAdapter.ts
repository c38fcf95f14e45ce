import {
  CloudFormationClient,
  DescribeStacksCommand,
  GetTemplateCommand,
  ListStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import { CallCounter } from './CallCounter';
import { callAws } from './callAws';
import { LocationRateLimiter } from './RateLimiter';
import { liveAliasesInTemplate, StackLiveAliases } from './stackTemplate';
import { CloudFormationReader, StackSummary } from './types';

/** CloudFormation tags every resource it creates with its stack's name (not the emulator). */
export const STACK_NAME_TAG = 'aws:cloudformation:stack-name';

/** Reads CloudFormation stacks of one account-region and turns the SDK's shapes into ours. */
export class CloudFormationAdapter implements CloudFormationReader {
  private readonly client: CloudFormationClient;
  private readonly limiter: LocationRateLimiter;
  private readonly callCounter?: CallCounter;
  /** Per stack id: the live aliases of its template, and the update and status they were read at. */
  private readonly templates = new Map<
    string,
    { version: string; aliases: Promise<StackLiveAliases> }
  >();

  constructor(options: {
    client: CloudFormationClient;
    limiter: LocationRateLimiter;
    callCounter?: CallCounter;
  }) {
    this.client = options.client;
    this.limiter = options.limiter;
    this.callCounter = options.callCounter;
  }

  async listStacks(signal?: AbortSignal): Promise<StackSummary[]> {
    const stacks: StackSummary[] = [];
    let nextToken: string | undefined;
    do {
      const command = new DescribeStacksCommand({ NextToken: nextToken });
      const page = await callAws({
        operation: 'cloudformation:DescribeStacks',
        budget: 'cloudFormation',
        limiter: this.limiter,
        callCounter: this.callCounter,
        signal,
        call: () => this.client.send(command, { abortSignal: signal }),
      });
      for (const stack of page.Stacks ?? []) {
        if (
          !stack.StackName ||
          !stack.StackId ||
          stack.StackStatus === 'DELETE_COMPLETE'
        ) {
          continue;
        }
        stacks.push({
          stackName: stack.StackName,
          stackId: stack.StackId,
          status: stack.StackStatus ?? 'UNKNOWN',
          updatedAt: (
            stack.LastUpdatedTime ?? stack.CreationTime
          )?.toISOString(),
          tags: Object.fromEntries(
            (stack.Tags ?? []).flatMap(tag =>
              tag.Key ? [[tag.Key, tag.Value ?? '']] : [],
            ),
          ),
        });
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return stacks;
  }

  async listStackFunctionNames(
    stackName: string,
    signal?: AbortSignal,
  ): Promise<string[]> {
    const names: string[] = [];
    let nextToken: string | undefined;
    // One page holds 100 resources: a service stack takes one call.
    do {
      const command = new ListStackResourcesCommand({
        StackName: stackName,
        NextToken: nextToken,
      });
      const page = await callAws({
        operation: 'cloudformation:ListStackResources',
        budget: 'cloudFormation',
        limiter: this.limiter,
        callCounter: this.callCounter,
        signal,
        call: () => this.client.send(command, { abortSignal: signal }),
      });
      for (const resource of page.StackResourceSummaries ?? []) {
        // The physical id of an AWS::Lambda::Function is the function's name.
        if (
          resource.ResourceType === 'AWS::Lambda::Function' &&
          resource.PhysicalResourceId
        ) {
          names.push(resource.PhysicalResourceId);
        }
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return names;
  }

  /**
   * The `live` aliases the stack's template defines. GetTemplate is read once per stack and kept until
   * the stack changes (its last update time or status): an unchanged stack costs no call.
   */
  async liveAliases(
    stack: StackSummary,
    signal?: AbortSignal,
  ): Promise<StackLiveAliases> {
    const version = `${stack.updatedAt ?? ''} ${stack.status}`;
    const cached = this.templates.get(stack.stackId);
    if (cached?.version === version) {
      return cached.aliases;
    }
    const aliases = this.readLiveAliases(stack.stackId, signal);
    this.templates.set(stack.stackId, { version, aliases });
    aliases.catch(() => this.templates.delete(stack.stackId));
    return aliases;
  }

  private async readLiveAliases(
    stackId: string,
    signal?: AbortSignal,
  ): Promise<StackLiveAliases> {
    // The processed template: a SAM function's AutoPublishAlias is an AWS::Lambda::Alias there.
    const command = new GetTemplateCommand({
      StackName: stackId,
      TemplateStage: 'Processed',
    });
    const output = await callAws({
      operation: 'cloudformation:GetTemplate',
      budget: 'cloudFormation',
      limiter: this.limiter,
      callCounter: this.callCounter,
      signal,
      call: () => this.client.send(command, { abortSignal: signal }),
    });
    return liveAliasesInTemplate(output.TemplateBody ?? '{}');
  }
}
