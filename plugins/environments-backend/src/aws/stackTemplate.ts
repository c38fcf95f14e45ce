import { yamlParse } from 'yaml-cfn';
import { LIVE_ALIAS } from './LambdaAdapter';

/** CloudFormation tags every resource it creates with the resource's logical id in its stack. */
export const LOGICAL_ID_TAG = 'aws:cloudformation:logical-id';

/**
 * The functions whose `live` alias a stack's template defines (an `AWS::Lambda::Alias` named `live`):
 * by function name where the template spells it, else by the function resource's logical id.
 */
export interface StackLiveAliases {
  functionNames: string[];
  logicalIds: string[];
}

type Resource = { Type?: unknown; Properties?: Record<string, unknown> };

/**
 * Reads a template body as GetTemplate returns it (JSON, or YAML with CloudFormation's short tags such as
 * `!Ref` and `!GetAtt`) and finds the `live` aliases it defines. A body that is neither is an error.
 */
export function liveAliasesInTemplate(templateBody: string): StackLiveAliases {
  const template = parseTemplate(templateBody);
  const resources = (template?.Resources ?? {}) as Record<string, Resource>;
  const functionNames = new Set<string>();
  const logicalIds = new Set<string>();
  for (const resource of Object.values(resources)) {
    const properties = resource?.Properties ?? {};
    if (
      resource?.Type !== 'AWS::Lambda::Alias' ||
      properties.Name !== LIVE_ALIAS
    ) {
      continue;
    }
    const target = properties.FunctionName;
    if (typeof target === 'string') {
      functionNames.add(functionNameOf(target));
      continue;
    }
    const logicalId = referencedResource(target);
    const fn = logicalId ? resources[logicalId] : undefined;
    if (logicalId && fn?.Type === 'AWS::Lambda::Function') {
      logicalIds.add(logicalId);
      const name = fn.Properties?.FunctionName;
      if (typeof name === 'string') {
        functionNames.add(name);
      }
    }
  }
  return { functionNames: [...functionNames], logicalIds: [...logicalIds] };
}

/** Whether the aliases a template defines include the `live` alias of this function (with its tags). */
export function definesLiveAliasOf(
  aliases: StackLiveAliases,
  fn: { functionName: string; tags: Record<string, string> },
): boolean {
  const logicalId = fn.tags[LOGICAL_ID_TAG];
  return (
    aliases.functionNames.includes(fn.functionName) ||
    (!!logicalId && aliases.logicalIds.includes(logicalId))
  );
}

function parseTemplate(body: string): { Resources?: unknown } {
  try {
    return body.trimStart().startsWith('{')
      ? JSON.parse(body)
      : yamlParse(body);
  } catch (error) {
    throw new Error(
      `The stack's template is neither JSON nor YAML: ${
        (error as Error).message
      }`,
    );
  }
}

/** `name`, or an ARN `arn:…:function:name[:qualifier]`, as the function's name. */
function functionNameOf(value: string): string {
  return /:function:([^:]+)/.exec(value)?.[1] ?? value;
}

/** The logical id in `{ Ref: Id }`, `{ "Fn::GetAtt": [Id, "Arn"] }` or `{ "Fn::GetAtt": "Id.Arn" }`. */
function referencedResource(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') {
    return undefined;
  }
  const { Ref: ref, 'Fn::GetAtt': getAtt } = value as Record<string, unknown>;
  if (typeof ref === 'string') {
    return ref;
  }
  const parts = typeof getAtt === 'string' ? getAtt.split('.') : getAtt;
  return Array.isArray(parts) &&
    parts[1] === 'Arn' &&
    typeof parts[0] === 'string'
    ? parts[0]
    : undefined;
}
