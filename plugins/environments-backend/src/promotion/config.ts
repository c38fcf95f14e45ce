import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import {
  isKnownTimeZone,
  parseClockTime,
  parseDayName,
  PromotionWindow,
} from './windows';

/** Who may roll back an environment, beyond the rollback permission. */
export interface RollbackPolicy {
  /** Groups or users (entity refs) whose members may roll back; absent: anyone with the permission. */
  allowedGroups?: string[];
}

/** Gradual traffic shift on the `live` alias. */
export interface TrafficShiftConfig {
  /** Percentages of traffic on the new version, increasing, ending with 100. */
  steps: number[];
  /** Time between two steps, in milliseconds; the smoke check runs at the end of each. */
  waitMs: number;
}

/** The promotion policy of one target environment. */
export interface PromotionPolicy {
  environment: string;
  requiresApproval: boolean;
  /** Approvals needed; 0 when no approval is required. */
  approvals: number;
  /** Entity refs of groups or users whose members may approve; undefined: the service's owner. */
  approvers?: string[];
  requestTtlMs: number;
  approvalTtlMs: number;
  /** Source environments from which a promotion may skip the environments in between. */
  allowSkipFrom: string[];
  windows: PromotionWindow[];
  /** Undefined: the switch is made at once. */
  trafficShift?: TrafficShiftConfig;
  rollback: RollbackPolicy;
}

/** The smoke check after a switch. */
export interface SmokeCheckConfig {
  /** Per attempt. */
  timeoutMs: number;
  attempts: number;
  /** Between attempts. */
  intervalMs: number;
}

/** Everything the promotion engine reads from config. */
export interface PromotionConfig {
  /** Environment names in promotion order. */
  environments: string[];
  /** Policy per environment name (every configured environment has one). */
  policies: Map<string, PromotionPolicy>;
  smokeCheck: SmokeCheckConfig;
  /** How long to wait for a function update to finish, in seconds. */
  updateTimeoutSeconds: number;
}

const DAYS_ALL = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const DEFAULT_REQUEST_TTL_MS = 3 * 24 * 3600_000;
const DEFAULT_APPROVAL_TTL_MS = 24 * 3600_000;

/**
 * Reads `environments.definitions[].promotion` / `.rollback` and `environments.promotion` (its
 * `writeRoleName` is AWS access: aws/config.ts). Throws an error naming the key and what is wrong with it.
 */
export function readPromotionConfig(config: Config): PromotionConfig {
  const definitions =
    config.getOptionalConfigArray('environments.definitions') ?? [];
  const environments = definitions.map(definition =>
    definition.getString('name'),
  );
  const global = config.getOptionalConfig('environments.promotion');
  const globalShift = readTrafficShift(global, 'environments.promotion');

  const policies = new Map(
    definitions.map((definition, index) => {
      const policy = readPolicy(definition, index, environments, globalShift);
      return [policy.environment, policy];
    }),
  );

  const smokeKey = 'environments.promotion.smokeCheck';
  const smoke = global?.getOptionalConfig('smokeCheck');
  const attempts = smoke?.getOptionalNumber('attempts') ?? 3;
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new Error(
      `${smokeKey}.attempts must be a whole number of at least 1, got ${attempts}`,
    );
  }

  return {
    environments,
    policies,
    smokeCheck: {
      timeoutMs: readDurationMs(smoke, 'timeout', smokeKey) ?? 10_000,
      attempts,
      intervalMs: readDurationMs(smoke, 'interval', smokeKey) ?? 5_000,
    },
    updateTimeoutSeconds:
      (readDurationMs(global, 'updateTimeout', 'environments.promotion') ??
        300_000) / 1000,
  };
}

/** The promotion policy of `environments.definitions[index]`: its `promotion` and `rollback` sections. */
function readPolicy(
  definition: Config,
  index: number,
  environments: string[],
  globalShift: TrafficShiftConfig | undefined,
): PromotionPolicy {
  const key = `environments.definitions[${index}]`;
  const environment = environments[index];
  const promotion = definition.getOptionalConfig('promotion');
  const promotionKey = `${key}.promotion`;

  const requiresApproval =
    promotion?.getOptionalBoolean('requiresApproval') ?? true;
  const approvals = promotion?.getOptionalNumber('approvals') ?? 1;
  if (!Number.isInteger(approvals) || approvals < 1) {
    throw new Error(
      `${promotionKey}.approvals must be a whole number of at least 1, got ${approvals}`,
    );
  }
  const allowSkipFrom =
    promotion?.getOptionalStringArray('allowSkipFrom') ?? [];
  for (const source of allowSkipFrom) {
    const sourceIndex = environments.indexOf(source);
    if (sourceIndex === -1 || sourceIndex >= index - 1) {
      throw new Error(
        `${promotionKey}.allowSkipFrom: '${source}' must name an environment at least two before ` +
          `'${environment}' (configured in order: ${environments.join(', ')})`,
      );
    }
  }

  const rollback = definition.getOptionalConfig('rollback');
  if (rollback?.getOptionalBoolean('requiresApproval')) {
    throw new Error(
      `${key}.rollback.requiresApproval: approvals for rollbacks are not supported; limit who may roll ` +
        `back with ${key}.rollback.allowedGroups and the environments.rollback permission`,
    );
  }

  return {
    environment,
    requiresApproval,
    approvals: requiresApproval ? approvals : 0,
    approvers: readEntityRefs(promotion, 'approvers', promotionKey),
    requestTtlMs:
      readDurationMs(promotion, 'requestTtl', promotionKey) ??
      DEFAULT_REQUEST_TTL_MS,
    approvalTtlMs:
      readDurationMs(promotion, 'approvalTtl', promotionKey) ??
      DEFAULT_APPROVAL_TTL_MS,
    allowSkipFrom,
    windows: (promotion?.getOptionalConfigArray('windows') ?? []).map(
      (window, i) => readWindow(window, `${promotionKey}.windows[${i}]`),
    ),
    trafficShift:
      promotion?.getOptional('trafficShift') === false
        ? undefined
        : readTrafficShift(promotion, promotionKey) ?? globalShift,
    rollback: {
      allowedGroups: readEntityRefs(
        rollback,
        'allowedGroups',
        `${key}.rollback`,
      ),
    },
  };
}

function readDurationMs(
  config: Config | undefined,
  key: string,
  parent: string,
): number | undefined {
  if (!config?.has(key)) {
    return undefined;
  }
  let ms: number;
  try {
    ms = durationToMilliseconds(readDurationFromConfig(config, { key }));
  } catch (error) {
    throw new Error(
      `${parent}.${key} is not a duration (e.g. { hours: 4 } or '4h'): ${
        (error as Error).message
      }`,
    );
  }
  if (!(ms > 0)) {
    throw new Error(`${parent}.${key} must be longer than zero`);
  }
  return ms;
}

function readEntityRefs(
  config: Config | undefined,
  key: string,
  parent: string,
): string[] | undefined {
  const refs = config?.getOptionalStringArray(key);
  if (!refs) {
    return undefined;
  }
  if (refs.length === 0) {
    throw new Error(
      `${parent}.${key} must name at least one group or user, or be left out`,
    );
  }
  return refs.map((ref, i) => {
    try {
      return stringifyEntityRef(
        parseEntityRef(ref, {
          defaultKind: 'group',
          defaultNamespace: 'default',
        }),
      );
    } catch (error) {
      throw new Error(
        `${parent}.${key}[${i}] is not an entity ref: ${
          (error as Error).message
        }`,
      );
    }
  });
}

function readWindow(window: Config, key: string): PromotionWindow {
  const reason = window.getOptionalString('reason');
  if (!reason) {
    throw new Error(
      `${key}.reason is required: it is what users see when promotions are closed`,
    );
  }
  const from = window.getOptionalString('from');
  const until = window.getOptionalString('until');
  if (from !== undefined || until !== undefined) {
    const fromDate = new Date(from ?? '');
    const untilDate = new Date(until ?? '');
    if (
      Number.isNaN(fromDate.getTime()) ||
      Number.isNaN(untilDate.getTime()) ||
      untilDate <= fromDate
    ) {
      throw new Error(
        `${key}: a one-off window needs 'from' and 'until' as ISO 8601 instants with until after from, ` +
          `got from '${from}', until '${until}'`,
      );
    }
    return { kind: 'once', from: fromDate, until: untilDate, reason };
  }

  const start = parseClockTime(window.getOptionalString('start') ?? '');
  const end = parseClockTime(window.getOptionalString('end') ?? '');
  if (start === undefined || end === undefined) {
    throw new Error(
      `${key}: a weekly window needs 'start' and 'end' as HH:MM (00:00 to 24:00), got start ` +
        `'${window.getOptionalString(
          'start',
        )}', end '${window.getOptionalString('end')}'`,
    );
  }
  const dayNames = window.getOptionalStringArray('days') ?? DAYS_ALL;
  const days = dayNames.map(name => {
    const day = parseDayName(name);
    if (day === undefined) {
      throw new Error(
        `${key}.days: '${name}' is not a day of the week (mon, tue, wed, thu, fri, sat, sun)`,
      );
    }
    return day;
  });
  const timeZone = window.getOptionalString('timezone') ?? 'UTC';
  if (!isKnownTimeZone(timeZone)) {
    throw new Error(
      `${key}.timezone: '${timeZone}' is not an IANA time zone (e.g. Europe/Berlin)`,
    );
  }
  return { kind: 'weekly', days, start, end, timeZone, reason };
}

function readTrafficShift(
  config: Config | undefined,
  parent: string,
): TrafficShiftConfig | undefined {
  const shift = config?.getOptional('trafficShift');
  if (shift === undefined || shift === false) {
    return undefined;
  }
  const key = `${parent}.trafficShift`;
  const shiftConfig = config!.getConfig('trafficShift');
  const steps = shiftConfig.getOptional<number[]>('steps') ?? [10, 50, 100];
  const valid =
    Array.isArray(steps) &&
    steps.length > 0 &&
    steps.every(
      (step, i) =>
        typeof step === 'number' &&
        step > 0 &&
        step <= 100 &&
        (i === 0 || step > steps[i - 1]),
    ) &&
    steps[steps.length - 1] === 100;
  if (!valid) {
    throw new Error(
      `${key}.steps must be increasing percentages between 1 and 100 ending with 100, got ${JSON.stringify(
        steps,
      )}`,
    );
  }
  return { steps, waitMs: readDurationMs(shiftConfig, 'wait', key) ?? 60_000 };
}
