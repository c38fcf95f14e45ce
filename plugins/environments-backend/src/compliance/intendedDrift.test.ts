import {
  EnvironmentMatrix,
  FunctionLocation,
  FunctionResource,
} from '@internal/backstage-plugin-environments-common';
import { intendedAliasDrifts } from './intendedDrift';

const fn = (functionName: string, ownsLiveAlias?: boolean) =>
  ({
    accountId: '333333333333',
    region: 'eu-west-1',
    functionName,
    stack: {
      stackName: functionName,
      stackId: 'id',
      status: 'UPDATE_COMPLETE',
      ownsLiveAlias,
    },
  } as FunctionResource);

describe('intendedAliasDrifts', () => {
  it('asks for the rollbacks of the functions whose stack owns the alias only', async () => {
    const asked: string[] = [];
    const matrix = {
      environments: [
        {
          functions: [
            fn('shop-api-prod', true),
            fn('shop-worker-prod', false),
            fn('shop-job-prod'),
          ],
        },
      ],
    } as unknown as EnvironmentMatrix;

    const drifts = await intendedAliasDrifts(
      {
        findIntentionalDrift: async (target: FunctionLocation) => {
          asked.push(target.functionName);
          return { id: 'r-1', requestedBy: 'user:default/bob' };
        },
      },
      matrix,
    );

    expect(asked).toEqual(['shop-api-prod']);
    expect(drifts).toEqual([
      {
        accountId: '333333333333',
        region: 'eu-west-1',
        functionName: 'shop-api-prod',
        rollbackId: 'r-1',
        requestedBy: 'user:default/bob',
      },
    ]);
  });
});
