import {
  PromotionStep,
  shortDigest,
} from '@internal/backstage-plugin-environments-common';
import { LambdaDeployer } from '../aws/LambdaDeployer';
import { PromotionActivity } from './PromotionActivity';
import { PromotionStore, StoredPromotion } from './PromotionStore';

/** What AWS shows a step left `started` by a stopped instance achieved. */
export interface InterruptedStep {
  name: string;
  /** Whether its AWS call went through. */
  achieved: boolean;
  /** What AWS shows, in words. */
  finding: string;
}

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
      finding: 'it only reads, so it changed nothing',
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
 * Records, for each step a stopped instance left `started`, what AWS shows it achieved: `succeeded` when
 * its call went through (e.g. the alias was switched), `failed` otherwise, with what AWS shows, and adds
 * that to the history. Returns what recovery needs to settle the request truthfully.
 */
export async function settleInterruptedSteps(options: {
  store: PromotionStore;
  activity: PromotionActivity;
  promotion: StoredPromotion;
  reader: LambdaDeployer;
  steps: PromotionStep[];
  at: string;
}): Promise<InterruptionFindings> {
  const { store, activity, promotion, reader, steps, at } = options;
  const subject = { type: 'promotion' as const, id: promotion.id };
  const aws = new AwsState(reader, promotion);
  const interrupted: InterruptedStep[] = [];
  let switched = false;
  for (const step of steps) {
    let achieved = step.status === 'succeeded';
    if (step.status === 'started') {
      const outcome = await aws.stepOutcome(step.name);
      achieved = outcome.achieved;
      interrupted.push(outcome);
      const result = achieved ? 'succeeded' : 'failed';
      await store.finishInterruptedStep(
        subject,
        step.sequence,
        result,
        at,
        achieved
          ? { detail: `${outcome.finding} (found after the interruption)` }
          : {
              error: `Interrupted before its result was recorded; AWS shows ${outcome.finding}`,
            },
      );
      await activity.record({
        subject,
        entityRef: promotion.entityRef,
        event: 'step',
        at,
        detail: `${step.name} ${result} (found after the interruption): ${outcome.finding}`,
        severity: 'high',
        meta: { step: step.name, result },
      });
    }
    if (achieved && ['switch-alias', 'shift-traffic'].includes(step.name)) {
      switched = true;
    }
  }
  const publishedStep = steps.some(s => s.name === 'publish-version');
  return {
    interrupted,
    publishedVersion: publishedStep ? await aws.publishedVersion() : undefined,
    latestDigest: (await aws.latestState()).digest,
    switched,
  };
}

/** ` during step 'x', which went through (…)`: where an execution stopped, and what AWS shows of it. */
export function describeInterruption(
  steps: PromotionStep[],
  findings: InterruptionFindings,
): string {
  const [first] = findings.interrupted;
  if (first) {
    let outcome = `which did not go through (AWS shows ${first.finding})`;
    if (first.achieved) {
      outcome = `which went through (AWS shows ${first.finding})`;
    } else if (first.finding === 'it only reads, so it changed nothing') {
      outcome = first.finding;
    }
    return ` during step '${first.name}', ${outcome}`;
  }
  const last = steps[steps.length - 1];
  return last ? ` after step '${last.name}'` : ' before its first step';
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
