import { definesLiveAliasOf, liveAliasesInTemplate } from './stackTemplate';

const FN = 'billing-prod-api-handler';

describe('liveAliasesInTemplate', () => {
  it('finds the live alias of a function named in the template, by Ref (JSON)', () => {
    const aliases = liveAliasesInTemplate(
      JSON.stringify({
        Resources: {
          Handler: {
            Type: 'AWS::Lambda::Function',
            Properties: { FunctionName: FN },
          },
          HandlerLive: {
            Type: 'AWS::Lambda::Alias',
            Properties: {
              FunctionName: { Ref: 'Handler' },
              Name: 'live',
              FunctionVersion: { 'Fn::GetAtt': ['V1', 'Version'] },
            },
          },
        },
      }),
    );
    expect(aliases).toEqual({ functionNames: [FN], logicalIds: ['Handler'] });
    expect(definesLiveAliasOf(aliases, { functionName: FN, tags: {} })).toBe(
      true,
    );
    expect(
      definesLiveAliasOf(aliases, { functionName: 'other', tags: {} }),
    ).toBe(false);
  });

  it("reads YAML with CloudFormation's short tags, and matches an unnamed function by its logical-id tag", () => {
    const aliases = liveAliasesInTemplate(
      [
        'AWSTemplateFormatVersion: "2010-09-09"',
        'Resources:',
        '  Handler:',
        '    Type: AWS::Lambda::Function',
        '    Properties:',
        '      PackageType: Image',
        '      Code: { ImageUri: !Sub "${AWS::AccountId}.dkr.ecr.eu-west-1.amazonaws.com/api@sha256:abc" }',
        '  Live:',
        '    Type: AWS::Lambda::Alias',
        '    Properties:',
        '      FunctionName: !GetAtt Handler.Arn',
        '      Name: live',
        '      FunctionVersion: !GetAtt Version.Version',
      ].join('\n'),
    );
    expect(aliases).toEqual({ functionNames: [], logicalIds: ['Handler'] });
    const tagged = (logicalId: string) => ({
      functionName: 'billing-prod-Handler-X1Y2',
      tags: { 'aws:cloudformation:logical-id': logicalId },
    });
    expect(definesLiveAliasOf(aliases, tagged('Handler'))).toBe(true);
    expect(definesLiveAliasOf(aliases, tagged('Worker'))).toBe(false);
  });

  it('takes a function named by ARN, and ignores aliases not named live', () => {
    const aliases = liveAliasesInTemplate(
      JSON.stringify({
        Resources: {
          Live: {
            Type: 'AWS::Lambda::Alias',
            Properties: {
              FunctionName: `arn:aws:lambda:eu-west-1:333333333333:function:${FN}`,
              Name: 'live',
            },
          },
          Canary: {
            Type: 'AWS::Lambda::Alias',
            Properties: { FunctionName: 'billing-prod-worker', Name: 'canary' },
          },
        },
      }),
    );
    expect(aliases).toEqual({ functionNames: [FN], logicalIds: [] });
  });

  it('finds nothing in a stack that holds the function but not its alias', () => {
    expect(
      liveAliasesInTemplate(
        JSON.stringify({
          Resources: {
            Function: {
              Type: 'AWS::Lambda::Function',
              Properties: { FunctionName: FN },
            },
          },
        }),
      ),
    ).toEqual({ functionNames: [], logicalIds: [] });
  });

  it('says what is wrong with a body that is not a template', () => {
    expect(() => liveAliasesInTemplate('Resources: [unclosed')).toThrow(
      /The stack's template is neither JSON nor YAML/,
    );
  });
});
