import { ConflictError } from '@backstage/errors';
import { shortDigest } from '@internal/backstage-plugin-environments-common';
import { LiveAliasState } from '../aws/LambdaDeployer';
import { switchAliasStep, verifyLiveStep } from '../steps/aliasSteps';
import { FunctionChange, Step, writerOf } from '../steps/Step';
import { StepFailedError } from '../steps/StepRecorder';
import { PromotionPolicy } from './config';
import { publishedFor } from './interruptedSteps';
import { PromotionSettlement } from './PromotionSettlement';
import { StoredPromotion } from './PromotionStore';
import { SmokeCheck } from './smokeCheck';

/**
 * A deployment of an approved request as it goes: what live served before, the alias revision the next
 * switch expects, the version it published, and whether live was switched yet (a failure after that
 * points it back).
 */
export interface Deployment extends FunctionChange {
  promotion: StoredPromotion;
  settlement: PromotionSettlement;
  /** The user the request runs as. */
  actor: string;
  previous?: LiveAliasState;
  lastRevision?: string;
  /** The revision of `$LATEST` once updated, which publishing is guarded by. */
  latestRevision?: string;
  published?: string;
  switched: boolean;
  /** Live served the promoted digest before anything changed: nothing to do. */
  alreadyLive: boolean;
}

/** What the steps of a promotion need besides the request: its policy, the smoke check and a clock to wait on. */
export interface DeploymentTools {
  policy: PromotionPolicy;
  smokeCheck: SmokeCheck;
  sleep: (ms: number) => Promise<void>;
}

/**
 * Step `read-live-alias`: what live serves before anything changes, recorded on the request. Ends the
 * execution (settled as succeeded) when live already serves the promoted digest.
 */
const readLiveAlias: Step<Deployment> = {
  name: 'read-live-alias',
  intent: d => `Reading what ${d.functionName}:live serves`,
  async act(d) {
    const fn = d.functionName;
    const alias = await writerOf(d).getLiveAlias(fn);
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
    const served = await writerOf(d).getVersion(fn, alias.version);
    d.previous = alias;
    d.lastRevision = alias.revisionId;
    await d.settlement.patch(d.promotion, {
      previousVersion: alias.version,
      previousDigest: served?.digest,
    });
    d.alreadyLive = served?.digest === d.promotion.digest;
    return {
      detail: `live → version ${alias.version} (${
        served?.digest ? shortDigest(served.digest) : 'unknown digest'
      }), revision ${alias.revisionId}`,
      done: d.alreadyLive,
    };
  },
};

/** Step `update-function-code`: $LATEST pointed at the digest-pinned image. */
const updateFunctionCode: Step<Deployment> = {
  name: 'update-function-code',
  intent: d => `UpdateFunctionCode ${d.functionName} → ${d.promotion.imageUri}`,
  async act(d) {
    const { imageUri } = d.promotion;
    const { revisionId } = await writerOf(d).updateCode(
      d.functionName,
      imageUri,
    );
    return { detail: `$LATEST → ${imageUri} (revision ${revisionId})` };
  },
};

/** Step `wait-for-update`: the update finished, and $LATEST runs the promoted digest. */
const waitForUpdate: Step<Deployment> = {
  name: 'wait-for-update',
  intent: d => `Waiting until the update of ${d.functionName} succeeded`,
  async act(d) {
    const { digest } = d.promotion;
    const state = await writerOf(d).waitForUpdate(d.functionName);
    if (state.digest !== digest) {
      throw new ConflictError(
        `$LATEST of ${d.functionName} runs ${
          state.digest ?? 'an unknown digest'
        }, not ${digest}: it was changed meanwhile`,
      );
    }
    d.latestRevision = state.revisionId;
    return {
      detail: `LastUpdateStatus ${state.lastUpdateStatus}, CodeSha256 ${state.codeSha256}`,
    };
  },
};

/** Step `publish-version`: $LATEST published only if its code is the promoted digest. */
const publishVersion: Step<Deployment> = {
  name: 'publish-version',
  intent: d =>
    `PublishVersion ${d.functionName} guarded by CodeSha256 ${shortDigest(
      d.promotion.digest,
    )}`,
  async act(d) {
    const { promotion } = d;
    const version = await writerOf(d).publishVersion(d.functionName, {
      digest: promotion.digest,
      revisionId: d.latestRevision,
      // Names the request, so that recovery finds this version after an interruption.
      description: `Promoted from ${promotion.sourceEnvironment} (version ${
        promotion.sourceVersion
      }) by ${d.actor}, ${publishedFor(promotion.id)}`,
    });
    d.published = version.version;
    await d.settlement.patch(promotion, { publishedVersion: version.version });
    return {
      detail: `published version ${version.version} (CodeSha256 ${version.codeSha256})`,
    };
  },
};

/** Step `shift-traffic`: a share of live's traffic to the published version, the rest to the one before. */
function shiftTraffic(percent: number): Step<Deployment> {
  return switchAliasStep<Deployment>({
    name: 'shift-traffic',
    to: d => ({
      version: d.previous!.version,
      routing: { [d.published!]: percent / 100 },
      expectedVersion: d.previous!.version,
      expectedRevisionId: d.lastRevision,
    }),
    intent: d =>
      `Routing ${percent}% of ${d.functionName}:live to version ${d.published}`,
    detail: d =>
      `${percent}% → version ${d.published}, ${100 - percent}% → version ${
        d.previous!.version
      }`,
    switched: aliasSwitched,
  });
}

/** Step `switch-alias`: live pointed at the published version, guarded by the revision read before. */
const switchToPublished = switchAliasStep<Deployment>({
  to: d => ({
    version: d.published!,
    expectedVersion: d.previous!.version,
    expectedRevisionId: d.lastRevision,
  }),
  intent: (d, to) =>
    `UpdateAlias ${d.functionName}:live → version ${to.version} guarded by revision ${to.expectedRevisionId}`,
  detail: (_d, alias, to) =>
    `live → version ${to.version} (revision ${alias.revisionId})`,
  switched: aliasSwitched,
});

function aliasSwitched(d: Deployment, alias: LiveAliasState): void {
  d.switched = true;
  d.lastRevision = alias.revisionId;
}

/** A wait between steps (after a traffic shift), unrecorded. */
function pause<S>(sleep: (ms: number) => Promise<void>, ms: number): Step<S> {
  return {
    name: 'wait',
    unrecorded: true,
    intent: () => `Waiting ${ms} ms`,
    async act() {
      await sleep(ms);
      return { detail: `waited ${ms} ms` };
    },
  };
}

/** Step `smoke-check`: a GET of the request's URL; a failure stops the execution (and rolls back). */
export function smokeCheckStep(
  smokeCheck: SmokeCheck,
  when: string,
): Step<{ promotion: StoredPromotion }> {
  return {
    name: 'smoke-check',
    intent: d => `GET ${d.promotion.smokeCheckUrl} ${when}`,
    async act(d) {
      const result = await smokeCheck(d.promotion.smokeCheckUrl!);
      if (!result.ok) {
        throw new StepFailedError(
          `Smoke check ${when} failed: ${result.detail}`,
        );
      }
      return { detail: result.detail };
    },
  };
}

/**
 * The steps of a promotion, in order: read live, update and publish the image, shift traffic as the
 * policy says (each share followed by a wait and the smoke check), switch live, verify, smoke check.
 */
export function promotionSteps(
  promotion: StoredPromotion,
  tools: DeploymentTools,
): Array<Step<Deployment>> {
  const smoke = (when: string) =>
    promotion.smokeCheckUrl ? [smokeCheckStep(tools.smokeCheck, when)] : [];
  const shares = tools.policy.trafficShift?.steps.filter(p => p < 100) ?? [];
  return [
    readLiveAlias,
    updateFunctionCode,
    waitForUpdate,
    publishVersion,
    ...shares.flatMap(percent => [
      shiftTraffic(percent),
      pause(tools.sleep, tools.policy.trafficShift!.waitMs),
      ...smoke(`at ${percent}%`),
    ]),
    switchToPublished,
    verifyLiveStep<Deployment>(d => ({
      version: d.published!,
      digest: d.promotion.digest,
    })),
    ...smoke('after the switch'),
  ];
}
