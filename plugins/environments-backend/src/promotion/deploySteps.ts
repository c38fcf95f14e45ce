import { ConflictError } from '@backstage/errors';
import { shortDigest } from '@internal/backstage-plugin-environments-common';
import { LambdaDeployer, LiveAliasState } from '../aws/LambdaDeployer';
import { PromotionPolicy } from './config';
import { publishedFor } from './interruptedSteps';
import { PromotionSettlement } from './PromotionSettlement';
import { StoredPromotion } from './PromotionStore';
import { StepFailedError, StepRecorder } from './StepRecorder';

/**
 * A deployment of an approved request as it goes: what live served before, the alias revision the next
 * switch expects, and whether live was switched yet (a failure after that points it back).
 */
export interface Deployment {
  promotion: StoredPromotion;
  /** Acting as whoever the request runs as, with the account's write role. */
  deployer: LambdaDeployer;
  recorder: StepRecorder;
  settlement: PromotionSettlement;
  /** The user the request runs as. */
  actor: string;
  previous?: LiveAliasState;
  lastRevision?: string;
  switched: boolean;
}

/**
 * Step `read-live-alias`: what live serves before anything changes, recorded on the request. Answers
 * false, having settled the request as succeeded, when live already serves the promoted digest.
 */
export async function readLiveAlias(d: Deployment): Promise<boolean> {
  const { promotion, deployer, recorder } = d;
  const fn = promotion.target.functionName;
  const before = await recorder.run(
    'read-live-alias',
    `Reading what ${fn}:live serves`,
    async () => {
      const alias = await deployer.getLiveAlias(fn);
      if (!alias) {
        throw new ConflictError(
          `${fn} has no live alias: create it with the service's stack first`,
        );
      }
      if (Object.keys(alias.routing).length > 0) {
        throw new ConflictError(
          `${fn}:live is already shifting traffic (${JSON.stringify(
            alias.routing,
          )}): another deployment is in progress`,
        );
      }
      const served = await deployer.getVersion(fn, alias.version);
      return {
        value: { alias, digest: served?.digest },
        detail: `live → version ${alias.version} (${
          served?.digest ? shortDigest(served.digest) : 'unknown digest'
        }), revision ${alias.revisionId}`,
      };
    },
  );
  d.previous = before.alias;
  d.lastRevision = before.alias.revisionId;
  await d.settlement.patch(promotion, {
    previousVersion: before.alias.version,
    previousDigest: before.digest,
  });
  if (before.digest !== promotion.digest) {
    return true;
  }
  await d.settlement.finish(promotion, 'succeeded', {
    statusReason: `Live already served the digest (version ${before.alias.version}); nothing was changed`,
    publishedVersion: before.alias.version,
  });
  return false;
}

/**
 * Steps `update-function-code`, `wait-for-update` and `publish-version`: $LATEST pointed at the
 * digest-pinned image, and published only if its code is the promoted digest. Answers the version.
 */
export async function publishPromotedImage(d: Deployment): Promise<string> {
  const { promotion, deployer, recorder } = d;
  const fn = promotion.target.functionName;
  await recorder.run(
    'update-function-code',
    `UpdateFunctionCode ${fn} → ${promotion.imageUri}`,
    async () => {
      const { revisionId } = await deployer.updateCode(fn, promotion.imageUri);
      return {
        value: undefined,
        detail: `$LATEST → ${promotion.imageUri} (revision ${revisionId})`,
      };
    },
  );
  const latest = await recorder.run(
    'wait-for-update',
    `Waiting until the update of ${fn} succeeded`,
    async () => {
      const state = await deployer.waitForUpdate(fn);
      if (state.digest !== promotion.digest) {
        throw new ConflictError(
          `$LATEST of ${fn} runs ${state.digest ?? 'an unknown digest'}, not ${
            promotion.digest
          }: it was changed meanwhile`,
        );
      }
      return {
        value: state,
        detail: `LastUpdateStatus ${state.lastUpdateStatus}, CodeSha256 ${state.codeSha256}`,
      };
    },
  );
  return recorder.run(
    'publish-version',
    `PublishVersion ${fn} guarded by CodeSha256 ${shortDigest(
      promotion.digest,
    )}`,
    async () => {
      const version = await deployer.publishVersion(fn, {
        digest: promotion.digest,
        revisionId: latest.revisionId,
        // Names the request, so that recovery finds this version after an interruption.
        description: `Promoted from ${promotion.sourceEnvironment} (version ${
          promotion.sourceVersion
        }) by ${d.actor}, ${publishedFor(promotion.id)}`,
      });
      return {
        value: version.version,
        detail: `published version ${version.version} (CodeSha256 ${version.codeSha256})`,
      };
    },
  );
}

/**
 * Steps `shift-traffic` of the policy's traffic shift, each followed by a wait and the smoke check:
 * a growing share of live's traffic to the published version, the rest to the one live served before.
 */
export async function shiftTraffic(
  d: Deployment,
  published: string,
  policy: PromotionPolicy,
  sleep: (ms: number) => Promise<void>,
): Promise<void> {
  const { promotion, deployer, recorder } = d;
  const fn = promotion.target.functionName;
  const previous = d.previous!;
  for (const percent of policy.trafficShift?.steps.filter(p => p < 100) ?? []) {
    const expectedRevisionId = d.lastRevision;
    const shifted = await recorder.run(
      'shift-traffic',
      `Routing ${percent}% of ${fn}:live to version ${published}`,
      async () => {
        const alias = await deployer.switchAlias(fn, {
          version: previous.version,
          routing: { [published]: percent / 100 },
          expectedVersion: previous.version,
          expectedRevisionId,
        });
        return {
          value: alias,
          detail: `${percent}% → version ${published}, ${
            100 - percent
          }% → version ${previous.version}`,
        };
      },
    );
    d.switched = true;
    d.lastRevision = shifted.revisionId;
    await sleep(policy.trafficShift!.waitMs);
    await d.settlement.checkSmoke(recorder, promotion, `at ${percent}%`);
  }
}

/**
 * Steps `switch-alias`, `verify` and the smoke check: live pointed at the published version, guarded
 * by the revision read before, then asked of Lambda whether it serves the promoted digest.
 */
export async function switchAndVerify(
  d: Deployment,
  published: string,
): Promise<void> {
  const { promotion, deployer, recorder } = d;
  const fn = promotion.target.functionName;
  const alias = await recorder.run(
    'switch-alias',
    `UpdateAlias ${fn}:live → version ${published} guarded by revision ${d.lastRevision}`,
    async () => {
      const switchedAlias = await deployer.switchAlias(fn, {
        version: published,
        routing: {},
        expectedVersion: d.previous!.version,
        expectedRevisionId: d.lastRevision,
      });
      return {
        value: switchedAlias,
        detail: `live → version ${published} (revision ${switchedAlias.revisionId})`,
      };
    },
  );
  d.switched = true;
  d.lastRevision = alias.revisionId;
  await recorder.run(
    'verify',
    `GetFunction ${fn}:live must serve ${shortDigest(promotion.digest)}`,
    async () => {
      const live = await deployer.getVersion(fn, 'live');
      if (live?.digest !== promotion.digest || live.version !== published) {
        throw new StepFailedError(
          `live serves version ${live?.version} (${
            live?.digest ?? 'unknown digest'
          }), expected version ${published} (${promotion.digest})`,
        );
      }
      return {
        value: undefined,
        detail: `live serves version ${published} with ${promotion.digest}`,
      };
    },
  );
  await d.settlement.checkSmoke(recorder, promotion, 'after the switch');
}
