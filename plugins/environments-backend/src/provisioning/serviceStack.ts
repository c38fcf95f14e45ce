import { EnvironmentDefinition } from '@internal/backstage-plugin-environments-common';
import {
  checkName,
  NamingConvention,
  parseNamingConvention,
  renderName,
  checkTags,
  entityRefName,
  TagRules,
} from '@internal/backstage-plugin-environments-node';
import { ComplianceConfig } from '../compliance/types';
import {
  ProvisionedEnvironment,
  ProvisionProblem,
} from '../schema/openapi/generated/models';

/** What the platform knows of a new service. */
export interface NewService {
  project: string;
  component: string;
  /** The owning group's ref, e.g. `group:default/team-checkout`. */
  owner: string;
  costCenter: string;
}

/** One environment's stack of a new service, before anything is deployed. */
export type PlannedStack = Pick<
  ProvisionedEnvironment,
  | 'environment'
  | 'accountId'
  | 'region'
  | 'stackName'
  | 'functionName'
  | 'deploy'
  | 'parameters'
>;

/** One thing wrong with a new service's plan, naming the request field it concerns. */
export type PlanProblem = ProvisionProblem;

/** The tag every stack of the platform carries on its function. */
export const MANAGED_BY = 'cloudformation';

const DEFAULT_CONVENTION = '{project}-{component}-{env}';
const FUNCTION_NAME_LIMIT = 64;
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
const FUNCTION_NAME = /^[A-Za-z0-9_-]+$/;

/** The role the function runs as: Lambda's basic execution role (its logs). */
const EXECUTION_ROLE = {
  Type: 'AWS::IAM::Role',
  Properties: {
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'lambda.amazonaws.com' },
          Action: 'sts:AssumeRole',
        },
      ],
    },
    ManagedPolicyArns: [
      'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    ],
  },
};

/**
 * The CloudFormation template of a new service's environment: its execution role, its image function
 * and the function's first version. The `live` alias is not in the stack: promotions and rollbacks move
 * it, and a stack that held it would undo them on its next deploy (docs/scaffolder.md).
 */
export function serviceStackTemplate(tagKeys: string[]) {
  const tagParameters = Object.fromEntries(
    tagKeys.map(key => [
      tagParameter(key),
      { Type: 'String', Description: `The ${key} tag` },
    ]),
  );
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description:
      'A service environment of the Environments platform: its Lambda function and first version',
    Parameters: {
      FunctionName: { Type: 'String' },
      ImageUri: { Type: 'String', Description: 'The image, pinned by digest' },
      MemorySize: { Type: 'Number' },
      Timeout: { Type: 'Number' },
      ReservedConcurrency: {
        Type: 'Number',
        Default: -1,
        Description: 'Reserved concurrent executions; -1 reserves none',
      },
      ...tagParameters,
    },
    Conditions: {
      ReservesConcurrency: {
        'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'ReservedConcurrency' }, -1] }],
      },
    },
    Resources: {
      ExecutionRole: EXECUTION_ROLE,
      Function: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          FunctionName: { Ref: 'FunctionName' },
          PackageType: 'Image',
          Code: { ImageUri: { Ref: 'ImageUri' } },
          Role: { 'Fn::GetAtt': ['ExecutionRole', 'Arn'] },
          MemorySize: { Ref: 'MemorySize' },
          Timeout: { Ref: 'Timeout' },
          ReservedConcurrentExecutions: {
            'Fn::If': [
              'ReservesConcurrency',
              { Ref: 'ReservedConcurrency' },
              { Ref: 'AWS::NoValue' },
            ],
          },
          Tags: tagKeys.map(key => ({
            Key: key,
            Value: { Ref: tagParameter(key) },
          })),
        },
      },
      InitialVersion: {
        Type: 'AWS::Lambda::Version',
        Properties: {
          FunctionName: { Ref: 'Function' },
          Description: 'The platform initial image',
        },
      },
    },
    Outputs: {
      FunctionArn: { Value: { 'Fn::GetAtt': ['Function', 'Arn'] } },
    },
  };
}

/** `Tag` + the key without the characters a parameter name may not hold: `CostCenter` → `TagCostCenter`. */
export function tagParameter(key: string): string {
  return `Tag${key.replace(/[^A-Za-z0-9]/g, '')}`;
}

function convention(
  config: ComplianceConfig,
  type: 'lambda-function' | 'cloudformation-stack',
) {
  return config.naming[type] ?? parseNamingConvention(DEFAULT_CONVENTION);
}

/** The tag value of the environment: the spelling the rules allow, else the short one. */
function environmentTag(
  rules: TagRules,
  environment: EnvironmentDefinition,
): string {
  const allowed = rules.allowedValues[rules.catalogTags.environment];
  const spellings = [environment.shortName, environment.longName];
  return spellings.find(s => allowed?.includes(s)) ?? environment.shortName;
}

/** The tags of a new service's function in one environment, from the product's tag rules. */
export function serviceTags(
  service: NewService,
  environment: EnvironmentDefinition,
  rules: TagRules,
): Record<string, string> {
  const keys = rules.catalogTags;
  return {
    [keys.project]: service.project,
    [keys.component]: service.component,
    [keys.environment]: environmentTag(rules, environment),
    [keys.owner]: entityRefName(service.owner),
    ManagedBy: MANAGED_BY,
    CostCenter: service.costCenter,
  };
}

/** The tag keys of {@link serviceTags}, in order: the template's tag parameters. */
export function serviceTagKeys(rules: TagRules): string[] {
  const keys = rules.catalogTags;
  return [
    keys.project,
    keys.component,
    keys.environment,
    keys.owner,
    'ManagedBy',
    'CostCenter',
  ];
}

function nameProblems(
  kind: string,
  name: string,
  pattern: NamingConvention,
  context: Parameters<typeof checkName>[2],
  valid: RegExp,
): PlanProblem[] {
  const where = `${kind} ${name} (${context.environment.shortName})`;
  if (name.includes('{')) {
    return [
      {
        field: 'environments',
        message: `The naming convention ${pattern.pattern} needs a token a new service does not give: ${where}`,
      },
    ];
  }
  const checked = checkName(name, pattern, context);
  if (!checked.ok) {
    return [{ field: 'component', message: checked.violation.message }];
  }
  if (
    !valid.test(name) ||
    (kind === 'Function' && name.length > FUNCTION_NAME_LIMIT)
  ) {
    return [
      {
        field: 'component',
        message:
          name.length > FUNCTION_NAME_LIMIT
            ? `${where} is too long for AWS (${name.length} characters, at most ${FUNCTION_NAME_LIMIT}): shorten the project or the component`
            : `${where} has characters AWS does not accept in a name`,
      },
    ];
  }
  return [];
}

/**
 * Plans a new service's stacks in every environment: names from the configured conventions, the declared
 * sizes, and tags that pass the product's own tag rules. Returns the problems instead of throwing, so a
 * form can show them all at once.
 */
export function planServiceStacks(
  service: NewService,
  environments: EnvironmentDefinition[],
  deployTo: string[],
  config: ComplianceConfig,
): { stacks: PlannedStack[]; problems: PlanProblem[] } {
  const problems: PlanProblem[] = [];
  const stacks = environments.map(environment => {
    const context = {
      project: service.project,
      component: service.component,
      environment,
    };
    const functionConvention = convention(config, 'lambda-function');
    const stackConvention = convention(config, 'cloudformation-stack');
    const functionName = renderName(functionConvention, context);
    const stackName = renderName(stackConvention, context);
    problems.push(
      ...nameProblems(
        'Function',
        functionName,
        functionConvention,
        context,
        FUNCTION_NAME,
      ),
      ...nameProblems('Stack', stackName, stackConvention, context, STACK_NAME),
    );
    const tags = serviceTags(service, environment, config.tags);
    for (const violation of checkTags(tags, config.tags, {
      environment,
      project: service.project,
      component: service.component,
      owner: service.owner,
    })) {
      problems.push({
        field: violation.key === 'CostCenter' ? 'costCenter' : 'environments',
        message: `${environment.name}: ${violation.message}`,
      });
    }
    const declared = config.declared[environment.name] ?? {};
    // Undeclared: Lambda's defaults (128 MB, 3 s) are rarely what a service wants; these are.
    const size = (key: string, fallback: number) =>
      String(
        declared[key]?.value === undefined
          ? fallback
          : declared[key].value ?? -1,
      );
    return {
      environment: environment.name,
      accountId: environment.locations[0].accountId,
      region: environment.locations[0].region,
      stackName,
      functionName,
      deploy: deployTo.includes(environment.name),
      parameters: {
        FunctionName: functionName,
        MemorySize: size('memory', 512),
        Timeout: size('timeout', 30),
        ReservedConcurrency: size('reservedConcurrency', -1),
        ...Object.fromEntries(
          Object.entries(tags).map(([key, value]) => [
            tagParameter(key),
            value,
          ]),
        ),
      },
    };
  });
  // One report per distinct message: a bad component breaks the name in every environment alike.
  const unique = problems.filter(
    (p, i) => problems.findIndex(q => q.message === p.message) === i,
  );
  return { stacks, problems: unique };
}
