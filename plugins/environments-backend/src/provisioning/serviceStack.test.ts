import { ConfigReader } from '@backstage/config';
import { DEMO_ENVIRONMENTS } from '../__testUtils__/emulator';
import { readComplianceConfig } from '../compliance/config';
import { planServiceStacks, serviceStackTemplate } from './serviceStack';

const SERVICE = {
  project: 'shop',
  component: 'cart-api',
  owner: 'group:default/team-checkout',
  costCenter: 'cc-1',
};

function compliance(naming: Record<string, string>, tags: object = {}) {
  return readComplianceConfig(
    new ConfigReader({
      environments: { compliance: { naming: { conventions: naming }, tags } },
    }),
    DEMO_ENVIRONMENTS,
  );
}

describe('planServiceStacks', () => {
  it('names stacks and functions with another convention, and spells the Environment tag as the rules allow', () => {
    const { stacks, problems } = planServiceStacks(
      SERVICE,
      DEMO_ENVIRONMENTS,
      ['dev'],
      compliance(
        {
          lambdaFunction: '{project}-{envLong}-{component}',
          cloudFormationStack: '{PROJECT}-{Component}-{env}',
        },
        {
          allowedValues: {
            Environment: ['development', 'staging', 'production'],
          },
        },
      ),
    );
    expect(problems).toEqual([]);
    expect(
      stacks.map(s => [
        s.functionName,
        s.stackName,
        s.parameters.TagEnvironment,
        s.deploy,
      ]),
    ).toEqual([
      ['shop-development-cart-api', 'SHOP-CartApi-dev', 'development', true],
      ['shop-staging-cart-api', 'SHOP-CartApi-staging', 'staging', false],
      ['shop-production-cart-api', 'SHOP-CartApi-prod', 'production', false],
    ]);
  });

  it('says when the convention needs a token a new service does not give, or a name is too long', () => {
    expect(
      planServiceStacks(
        SERVICE,
        DEMO_ENVIRONMENTS,
        ['dev'],
        compliance({ lambdaFunction: '{project}-{env}-{component}-{purpose}' }),
      ).problems.map(p => p.message)[0],
    ).toBe(
      'The naming convention {project}-{env}-{component}-{purpose} needs a token a new service does not give: Function shop-dev-cart-api-{purpose} (dev)',
    );
    const long = { ...SERVICE, component: 'a'.repeat(60) };
    expect(
      planServiceStacks(long, DEMO_ENVIRONMENTS, ['dev'], compliance({}))
        .problems[0].message,
    ).toBe(
      `Function shop-${'a'.repeat(
        60,
      )}-dev (dev) is too long for AWS (69 characters, at most 64): shorten the project or the component`,
    );
  });

  it('refuses a tag value the rules do not allow, on the field it comes from', () => {
    const { problems } = planServiceStacks(
      SERVICE,
      DEMO_ENVIRONMENTS,
      ['dev'],
      compliance({}, { allowedValues: { CostCenter: ['cc-100'] } }),
    );
    expect(problems[0]).toEqual({
      field: 'costCenter',
      message:
        "dev: Tag 'CostCenter' is 'cc-1', which is not one of the allowed values 'cc-100'",
    });
  });
});

describe('serviceStackTemplate', () => {
  it('holds the function and its first version, not the live alias that promotions move', () => {
    const template = serviceStackTemplate(['Project']);
    expect(Object.values(template.Resources).map(r => r.Type)).toEqual([
      'AWS::IAM::Role',
      'AWS::Lambda::Function',
      'AWS::Lambda::Version',
    ]);
    expect(template.Resources.Function.Properties.Tags).toEqual([
      { Key: 'Project', Value: { Ref: 'TagProject' } },
    ]);
  });
});
