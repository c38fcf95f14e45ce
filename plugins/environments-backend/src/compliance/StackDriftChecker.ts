import { LoggerService } from '@backstage/backend-plugin-api';
import { EnvironmentMatrix } from '@internal/backstage-plugin-environments-common';
import { StackDriftStore } from './FindingsStore';
import {
  DriftDetectionUnsupportedError,
  StackDriftCheck,
  StackDriftDetector,
  StackDriftTarget,
} from './types';

/** Gives the drift detector of an account-region. */
export interface StackDriftDetectorSource {
  forLocation(location: {
    accountId: string;
    region: string;
  }): Promise<StackDriftDetector>;
}

/** What one run did. */
export interface StackDriftRunResult {
  /** One entry per stack attempted or found not checkable in this run. */
  checks: StackDriftCheck[];
  /** Stacks left for a later run because the budget was spent. */
  deferred: number;
}

/** The CloudFormation stacks holding a service's functions, one per stack, across environments. */
export function stackDriftTargets(
  matrix: EnvironmentMatrix,
): StackDriftTarget[] {
  const targets = new Map<string, StackDriftTarget>();
  for (const state of matrix.environments) {
    for (const fn of state.functions) {
      if (!fn.stack) {
        continue;
      }
      const key = `${fn.accountId}/${fn.region}/${fn.stack.stackName}`;
      if (!targets.has(key)) {
        targets.set(key, {
          entityRef: matrix.entityRef,
          environment: state.environment,
          accountId: fn.accountId,
          region: fn.region,
          stackName: fn.stack.stackName,
          stackId: fn.stack.stackId,
        });
      }
    }
  }
  return [...targets.values()];
}

function targetKey(target: {
  accountId: string;
  region: string;
  stackName: string;
}): string {
  return `${target.accountId}/${target.region}/${target.stackName}`;
}

/**
 * Checks CloudFormation stacks for drift within a call budget: at most `budget` stacks per run, those
 * attempted longest ago (or never) first, so a slow schedule goes round the whole fleet. Where the API
 * is missing (an emulator), the stack is recorded as `not-checked` with the reason, not as a failure,
 * and the other stacks of that account-region are not tried in the same run.
 */
export class StackDriftChecker {
  private readonly detectors: StackDriftDetectorSource;
  private readonly store: StackDriftStore;
  private readonly logger: LoggerService;
  private readonly stacksPerRun: number;
  private readonly now: () => Date;

  constructor(options: {
    detectors: StackDriftDetectorSource;
    store: StackDriftStore;
    logger: LoggerService;
    /** Default budget of a run. */
    stacksPerRun: number;
    now?: () => Date;
  }) {
    this.detectors = options.detectors;
    this.store = options.store;
    this.logger = options.logger;
    this.stacksPerRun = options.stacksPerRun;
    this.now = options.now ?? (() => new Date());
  }

  /** Checks the targets that are due, within the budget (default `stacksPerRun`), and stores each result. */
  async run(
    targets: StackDriftTarget[],
    options: { budget?: number; signal?: AbortSignal } = {},
  ): Promise<StackDriftRunResult> {
    const budget = options.budget ?? this.stacksPerRun;
    const lastAttempt = new Map(
      (await this.store.listStackDriftChecks()).map(check => [
        targetKey(check),
        check.attemptedAt,
      ]),
    );
    const due = [...targets].sort((a, b) =>
      (lastAttempt.get(targetKey(a)) ?? '').localeCompare(
        lastAttempt.get(targetKey(b)) ?? '',
      ),
    );

    const unsupported = new Map<string, string>();
    const checks: StackDriftCheck[] = [];
    let spent = 0;
    let deferred = 0;
    for (const target of due) {
      options.signal?.throwIfAborted();
      const location = `${target.accountId}/${target.region}`;
      const knownUnsupported = unsupported.get(location);
      if (knownUnsupported) {
        // Costs no call: the location already said it has no drift detection.
        checks.push(
          await this.record(target, {
            status: 'not-checked',
            reason: knownUnsupported,
          }),
        );
        continue;
      }
      if (spent >= budget) {
        deferred += 1;
        continue;
      }
      spent += 1;
      checks.push(await this.check(target, unsupported, options.signal));
    }
    if (deferred > 0) {
      this.logger.debug(
        `CloudFormation drift: ${deferred} stacks left for a later run (budget ${budget})`,
      );
    }
    return { checks, deferred };
  }

  private async check(
    target: StackDriftTarget,
    unsupported: Map<string, string>,
    signal?: AbortSignal,
  ): Promise<StackDriftCheck> {
    try {
      const detector = await this.detectors.forLocation(target);
      const report = await detector.detectDrift(target.stackName, signal);
      return await this.record(target, {
        status: 'checked',
        checkedAt: report.checkedAt,
        stackDriftStatus: report.stackDriftStatus,
        resources: report.resources,
        ...(report.stackId ? { stackId: report.stackId } : {}),
        ...(report.detectionStatusReason
          ? { reason: report.detectionStatusReason }
          : {}),
      });
    } catch (error) {
      if (signal?.aborted) {
        throw error;
      }
      if (error instanceof DriftDetectionUnsupportedError) {
        unsupported.set(`${target.accountId}/${target.region}`, error.message);
        return this.record(target, {
          status: 'not-checked',
          reason: error.message,
        });
      }
      this.logger.warn(
        `CloudFormation drift check of ${target.stackName} in ${
          target.accountId
        }/${target.region} failed: ${(error as Error).message}`,
      );
      return this.record(target, {
        status: 'failed',
        reason: (error as Error).message,
      });
    }
  }

  private async record(
    target: StackDriftTarget,
    result: Omit<StackDriftCheck, keyof StackDriftTarget | 'attemptedAt'> & {
      stackId?: string;
    },
  ): Promise<StackDriftCheck> {
    const check: StackDriftCheck = {
      ...target,
      ...result,
      attemptedAt: this.now().toISOString(),
    };
    await this.store.saveStackDriftCheck(check);
    return check;
  }
}
