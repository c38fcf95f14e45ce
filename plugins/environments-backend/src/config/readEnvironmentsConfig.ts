import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import { EnvironmentDefinition } from '@internal/backstage-plugin-environments-common';
import { AwsAccessConfig, readAwsAccessConfig } from '../aws/config';
import {
  DEFAULT_DISCOVERY_TAGS,
  DiscoveryTags,
} from '../matrix/collector/serviceMatching';

/** The `environments` config section, read and checked once at start-up. */
export interface EnvironmentsConfig {
  /** In promotion order, first to last. */
  environments: EnvironmentDefinition[];
  discoveryTags: DiscoveryTags;
  refresh: {
    frequency: HumanDuration;
    timeout: HumanDuration;
    newServicesFrequency: HumanDuration;
  };
  /** Endpoints per account and rate limits (`environments.accounts`, `environments.rateLimits`). */
  aws: AwsAccessConfig;
}

/**
 * The background refresh runs every 10 minutes and may take up to 15 before another instance takes
 * over; services the catalog gained since are looked for every 30 seconds.
 */
export const DEFAULT_REFRESH = {
  frequency: { minutes: 10 },
  timeout: { minutes: 15 },
  newServicesFrequency: { seconds: 30 },
};

const NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const ACCOUNT_ID = /^\d{12}$/;
// e.g. eu-west-1, us-gov-west-1, ap-southeast-2, cn-north-1
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * Reads the `environments` section. Throws an error naming the key that is wrong and what was
 * found there, so a bad config stops the backend at start-up instead of showing wrong data.
 */
export function readEnvironmentsConfig(config: Config): EnvironmentsConfig {
  return {
    environments: readDefinitions(config),
    discoveryTags: readDiscoveryTags(config),
    refresh: readRefresh(config),
    aws: readAccounts(config),
  };
}

function readDefinitions(config: Config): EnvironmentDefinition[] {
  const key = 'environments.definitions';
  if (!config.has(key)) {
    throw new Error(
      `${key} is missing: list the environments in promotion order, e.g. dev, staging, prod (see docs/configuration.md)`,
    );
  }
  const items = config.getConfigArray(key);
  if (items.length === 0) {
    throw new Error(
      `${key} must list at least one environment, got an empty list`,
    );
  }

  // Names and both spellings identify an environment in tags and resource names: no two may share one.
  const spellings = new Map<string, string>();
  return items.map((item, index) => {
    const at = `${key}[${index}]`;
    const name = item.getString('name');
    checkName(`${at}.name`, name);
    const shortName = item.getOptionalString('shortName') ?? name;
    const longName = item.getOptionalString('longName') ?? name;
    checkName(`${at}.shortName`, shortName);
    checkName(`${at}.longName`, longName);
    for (const [field, spelling] of [
      ['name', name],
      ['shortName', shortName],
      ['longName', longName],
    ]) {
      const owner = spellings.get(spelling);
      if (owner !== undefined && owner !== at) {
        throw new Error(
          `${at}.${field} '${spelling}' is already used by ${owner}: every environment needs its own name and spellings`,
        );
      }
      spellings.set(spelling, at);
    }

    const locations = item.getConfigArray('locations');
    if (locations.length === 0) {
      throw new Error(
        `${at}.locations must list at least one AWS account and region, got an empty list`,
      );
    }
    return {
      name,
      title: item.getOptionalString('title') ?? name,
      shortName,
      longName,
      locations: locations.map((location, locationIndex) => {
        const locationAt = `${at}.locations[${locationIndex}]`;
        const accountId = location.getString('accountId');
        if (!ACCOUNT_ID.test(accountId)) {
          throw new Error(
            `${locationAt}.accountId must be a 12-digit AWS account id, got '${accountId}'`,
          );
        }
        const region = location.getString('region');
        if (!REGION.test(region)) {
          throw new Error(
            `${locationAt}.region must be an AWS region such as 'eu-west-1', got '${region}'`,
          );
        }
        return { accountId, region };
      }),
    };
  });
}

function checkName(key: string, value: string) {
  if (!NAME.test(value)) {
    throw new Error(
      `${key} must be lower case letters, digits and single dashes (e.g. 'prod'), got '${value}'`,
    );
  }
}

/** Reads `environments.discovery`: the tag keys of tag discovery, defaults where unset. */
export function readDiscoveryTags(config: Config): DiscoveryTags {
  const tags = { ...DEFAULT_DISCOVERY_TAGS };
  for (const field of Object.keys(tags) as Array<keyof DiscoveryTags>) {
    const key = `environments.discovery.${field}`;
    const value = config.getOptionalString(key);
    if (value === undefined) {
      continue;
    }
    if (value.trim() === '') {
      throw new Error(
        `${key} must be a tag key such as '${tags[field]}', got an empty string`,
      );
    }
    tags[field] = value;
  }
  return tags;
}

function readRefresh(config: Config): EnvironmentsConfig['refresh'] {
  const read = (field: keyof EnvironmentsConfig['refresh']) => {
    const key = `environments.refresh.${field}`;
    if (!config.has(key)) {
      return DEFAULT_REFRESH[field];
    }
    const duration = readDurationFromConfig(config, { key });
    if (!(durationToMilliseconds(duration) > 0)) {
      throw new Error(
        `${key} must be a duration longer than zero, got ${JSON.stringify(
          duration,
        )}`,
      );
    }
    return duration;
  };
  return {
    frequency: read('frequency'),
    timeout: read('timeout'),
    newServicesFrequency: read('newServicesFrequency'),
  };
}

function readAccounts(config: Config): AwsAccessConfig {
  const access = readAwsAccessConfig(config);
  const seen = new Map<string, number>();
  (config.getOptionalConfigArray('environments.accounts') ?? []).forEach(
    (account, index) => {
      const accountId = account.getString('accountId');
      const first = seen.get(accountId);
      if (first !== undefined) {
        throw new Error(
          `environments.accounts[${index}].accountId '${accountId}' is already listed at environments.accounts[${first}]`,
        );
      }
      seen.set(accountId, index);
    },
  );
  return access;
}
