import { shortDigest } from '@internal/backstage-plugin-environments-common';
import { switchAliasStep, verifyLiveStep } from '../steps/aliasSteps';
import { FunctionChange, Step } from '../steps/Step';
import { StoredRollback } from '../promotion/PromotionStore';

/** A rollback as it runs on the step runner. */
export interface RollbackRun extends FunctionChange {
  rollback: StoredRollback;
  /** Set when it resumes after an interruption: where the stopped instance was, as AWS shows it. */
  resumedAfter?: string;
}

const switchBack = switchAliasStep<RollbackRun>({
  to: ({ rollback }) => ({
    version: rollback.toVersion,
    expectedVersion: rollback.fromVersion,
    expectedRevisionId: rollback.liveRevisionId,
  }),
  intent: (run, to) =>
    `UpdateAlias ${run.functionName}:live → version ${to.version} guarded by revision ${to.expectedRevisionId}`,
  detail: (_run, alias, to) =>
    `live → version ${to.version} (revision ${alias.revisionId})`,
});

const verifyRolledBack = verifyLiveStep<RollbackRun>(({ rollback }) => ({
  version: rollback.toVersion,
  digest: rollback.toDigest!,
}));

/** `version 3 (sha256:abc…)`: a version and its digest, in words. */
export function versionInWords(version: string, digest?: string): string {
  return `version ${version} (${
    digest ? shortDigest(digest) : 'unknown digest'
  })`;
}

/**
 * The steps of a rollback: `switch-alias` (live back at the chosen version, guarded by the version and
 * alias revision read when it was planned), then `verify`. A resumed rollback whose switch went through
 * runs only `verify`.
 */
export function rollbackSteps(options: {
  switched: boolean;
}): Array<Step<RollbackRun>> {
  return [...(options.switched ? [] : [switchBack]), verifyRolledBack];
}
