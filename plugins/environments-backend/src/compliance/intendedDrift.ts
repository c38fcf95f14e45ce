import {
  EnvironmentMatrix,
  FunctionLocation,
} from '@internal/backstage-plugin-environments-common';
import { IntendedAliasDrift } from './types';

/** Rollbacks whose drift from a stack is intended; the promotions' store in the plugin. */
export interface IntendedDriftSource {
  /** The latest rollback of the function whose drift is intended until the next promotion, if any. */
  findIntentionalDrift(
    target: FunctionLocation,
  ): Promise<{ id: string; requestedBy: string } | undefined>;
}

/** The functions of a service whose stack-owned `live` alias a rollback moved on purpose. */
export async function intendedAliasDrifts(
  source: IntendedDriftSource | undefined,
  matrix: EnvironmentMatrix,
): Promise<IntendedAliasDrift[]> {
  if (!source) {
    return [];
  }
  const owned = matrix.environments.flatMap(env =>
    env.functions.filter(fn => fn.stack?.ownsLiveAlias),
  );
  const drifts = await Promise.all(
    owned.map(async ({ accountId, region, functionName }) => {
      const rollback = await source.findIntentionalDrift({
        accountId,
        region,
        functionName,
      });
      return rollback
        ? [
            {
              accountId,
              region,
              functionName,
              rollbackId: rollback.id,
              requestedBy: rollback.requestedBy,
            },
          ]
        : [];
    }),
  );
  return drifts.flat();
}
