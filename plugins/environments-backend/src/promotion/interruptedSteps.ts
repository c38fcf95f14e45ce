import {
  PromotionStep,
  shortDigest,
} from '@internal/backstage-plugin-environments-common';
import { LambdaDeployer } from '../aws/LambdaDeployer';
import { PromotionActivity } from './PromotionActivity';
import { PromotionStore, StoredPromotion } from './PromotionStore';
import {
  InterruptedStep,
  ONLY_READS,
  settleInterruptedSteps,
} from '../steps/interruptedSteps';

export { describeInterruption } from '../steps/interruptedSteps';

/** What recovery learnt from AWS about an interrupted execution. */
export interface InterruptionFindings {
  /** The steps left `started`, each now recorded as what AWS shows it achieved. */
  interrupted: InterruptedStep[];
  /** The version this request published, as recorded or as AWS shows it. */
  publishedVersion?: string;
  /** What `$LATEST` runs now. */
  latestDigest?: string;
  /** Whether live was pointed at the published version (fully or in part) at some point. */
  switched: boolean;
}

/** The description the executor publishes a version with, naming the request (see PromotionExecutor). */
export function publishedFor(requestId: string): string {
  return `request ${requestId}`;
}

/**
 * Reads what AWS did for an interrupted promotion, with read calls only: `$LATEST` (GetFunction), the
 * version this request published (ListVersionsByFunction, found by the request id in its description)
 * and the live alias (GetAlias).
 */
class AwsState {
  private latest?: Promise<{ digest?: string; lastUpdateStatus?: string }>;
  private published?: Promise<string | undefined>;

  constructor(
    private readonly reader: LambdaDeployer,
    private readonly promotion: StoredPromotion,
  ) {}

  private get fn(): string {
    return this.promotion.target.functionName;
  }

  latestState() {
    this.latest ??= this.reader.getVersion(this.fn, '$LATEST').then(v => ({
      digest: v?.digest,
      lastUpdateStatus: v?.lastUpdateStatus,
    }));
    return this.latest;
  }

  publishedVersion(): Promise<string | undefined> {
    this.published ??= this.promotion.publishedVersion
      ? Promise.resolve(this.promotion.publishedVersion)
      : this.reader
          .listVersions(this.fn)
          .then(
            versions =>
              versions.find(
                v =>
                  v.digest === this.promotion.digest &&
                  v.description?.includes(publishedFor(this.promotion.id)),
              )?.version,
          );
    return this.published;
  }

  /** What the interrupted step `name` achieved, as AWS shows it. */
  async stepOutcome(name: string): Promise<InterruptedStep> {
    const { digest } = this.promotion;
    if (name === 'update-function-code' || name === 'wait-for-update') {
      const latest = await this.latestState();
      const holds = latest.digest === digest;
      const updated =
        name === 'update-function-code' ||
        latest.lastUpdateStatus === 'Successful';
      return {
        name,
        achieved: holds && updated,
        finding: `$LATEST runs ${
          latest.digest ? shortDigest(latest.digest) : 'an unknown digest'
        }${holds ? ', the promoted digest' : ''} (LastUpdateStatus ${
          latest.lastUpdateStatus ?? 'unknown'
        })`,
      };
    }
    if (name === 'publish-version') {
      const version = await this.publishedVersion();
      return {
        name,
        achieved: version !== undefined,
        finding: version
          ? `version ${version} was published with the promoted digest`
          : `no version was published with the promoted digest for ${publishedFor(
              this.promotion.id,
            )}`,
      };
    }
    if (['switch-alias', 'shift-traffic', 'rollback-alias'].includes(name)) {
      return this.aliasOutcome(name);
    }
    return {
      name,
      achieved: false,
      finding: ONLY_READS,
    };
  }

  private async aliasOutcome(name: string): Promise<InterruptedStep> {
    const alias = await this.reader.getLiveAlias(this.fn);
    const published = await this.publishedVersion();
    const routing = alias?.routing ?? {};
    const shifting = Object.keys(routing).length > 0;
    let achieved = false;
    if (name === 'switch-alias') {
      achieved = alias?.version === published && !shifting;
    } else if (name === 'shift-traffic') {
      achieved = !!published && routing[published] !== undefined;
    } else {
      achieved = alias?.version === this.promotion.previousVersion && !shifting;
    }
    return {
      name,
      achieved,
      finding: alias
        ? `live → version ${alias.version}${
            shifting ? ` with routing ${JSON.stringify(routing)}` : ''
          }`
        : 'the function has no live alias',
    };
  }
}

/**
 * Records what AWS shows each step a stopped instance left `started` achieved (steps/interruptedSteps.ts)
 * and returns what recovery needs to settle the request truthfully.
 */
export async function settlePromotionSteps(options: {
  store: PromotionStore;
  activity: PromotionActivity;
  promotion: StoredPromotion;
  reader: LambdaDeployer;
  steps: PromotionStep[];
  at: string;
}): Promise<InterruptionFindings> {
  const { promotion, reader, steps } = options;
  const aws = new AwsState(reader, promotion);
  const interrupted = await settleInterruptedSteps({
    ...options,
    subject: { type: 'promotion', id: promotion.id },
    entityRef: promotion.entityRef,
    outcomeOf: name => aws.stepOutcome(name),
  });
  const achieved = (step: PromotionStep) =>
    step.status === 'succeeded' ||
    interrupted.some(i => i.achieved && i.name === step.name);
  const switched = steps.some(
    step =>
      ['switch-alias', 'shift-traffic'].includes(step.name) && achieved(step),
  );
  const publishedStep = steps.some(s => s.name === 'publish-version');
  return {
    interrupted,
    publishedVersion: publishedStep ? await aws.publishedVersion() : undefined,
    latestDigest: (await aws.latestState()).digest,
    switched,
  };
}

/** What the function's code is after an interrupted promotion that switched no traffic, in a sentence. */
function describeCode(
  promotion: StoredPromotion,
  findings: InterruptionFindings,
): string {
  if (findings.publishedVersion) {
    return `Version ${findings.publishedVersion} was published with the promoted digest and serves no traffic.`;
  }
  if (findings.latestDigest === promotion.digest) {
    return '$LATEST holds the promoted digest, unpublished.';
  }
  return `$LATEST runs ${
    findings.latestDigest
      ? shortDigest(findings.latestDigest)
      : 'an unknown digest'
  }: the function's code was not changed by this request.`;
}

/**
 * How an interrupted request whose digest live does not serve ends: rolled back when live had been
 * switched and serves the version from before again, failed otherwise; the reason says what AWS shows.
 */
export function settleNotServed(
  promotion: StoredPromotion,
  findings: InterruptionFindings,
  live: { where: string; version: string; digest?: string },
): { status: 'rolled-back' | 'failed'; statusReason: string } {
  const { where, version, digest } = live;
  if (findings.switched && version === promotion.previousVersion) {
    return {
      status: 'rolled-back',
      statusReason:
        `Interrupted${where} after live had been switched; live serves version ${version} again, ` +
        'as before the promotion. Request the promotion again.',
    };
  }
  return {
    status: 'failed',
    statusReason:
      `Interrupted${where} when the backend instance executing it stopped. Live still serves version ` +
      `${version} (${
        digest ? shortDigest(digest) : 'unknown digest'
      }), not the promoted digest: no traffic was switched. ${describeCode(
        promotion,
        findings,
      )} Request the promotion again.`,
  };
}
