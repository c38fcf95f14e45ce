import {
  EnvironmentState,
  primaryFunction,
} from '@internal/backstage-plugin-environments-common';
import { settingName } from './paths';
import { EnvironmentSettingsSnapshot, SettingLocation } from './types';

/** Every setting of one environment by name, each with where it is found. */
export type SettingsByName = Map<string, SettingLocation[]>;

/**
 * The settings of a service in one environment: the variables of the function that stands for it (as
 * the collector's GetFunction stored them), then the parameters and secrets read under its paths.
 */
export function environmentSettings(
  state: EnvironmentState | undefined,
  snapshot: EnvironmentSettingsSnapshot | undefined,
): SettingsByName {
  const settings: SettingsByName = new Map();
  const add = (name: string, location: SettingLocation) => {
    settings.set(name, [...(settings.get(name) ?? []), location]);
  };
  const fn = state?.status === 'ok' ? primaryFunction(state) : undefined;
  if (fn) {
    const values = fn.configuration.environmentVariableValues ?? {};
    for (const name of fn.configuration.environmentVariableNames) {
      const value = values[name];
      add(name, {
        source: 'lambda-variable',
        location: fn.functionName,
        secret: value === undefined,
        ...(value !== undefined ? { value } : {}),
      });
    }
  }
  for (const parameter of snapshot?.parameters ?? []) {
    add(settingName(parameter.name), {
      source: 'parameter',
      location: parameter.name,
      type: parameter.type,
      version: parameter.version,
      secret: parameter.value === undefined,
      ...(parameter.value !== undefined ? { value: parameter.value } : {}),
    });
  }
  for (const name of snapshot?.secretNames ?? []) {
    add(settingName(name), { source: 'secret', location: name, secret: true });
  }
  return settings;
}

const TRUE = ['true', '1', 'on', 'yes', 'enabled'];
const FALSE = ['false', '0', 'off', 'no', 'disabled'];

/**
 * A flag's value in an environment: absent is off; undefined when it is set but cannot be read
 * (secret) or is not a boolean.
 */
export function flagValue(
  locations: SettingLocation[] | undefined,
): boolean | undefined {
  if (!locations || locations.length === 0) {
    return false;
  }
  const value = locations.find(l => l.value !== undefined)?.value;
  const normalised = value?.trim().toLowerCase();
  if (normalised === undefined) {
    return undefined;
  }
  if (TRUE.includes(normalised)) {
    return true;
  }
  return FALSE.includes(normalised) ? false : undefined;
}

/** How a setting's locations read in a finding: `Lambda variable of shop-api-prod, parameter /shop/prod/x`. */
export function describeLocations(locations: SettingLocation[]): string {
  return locations
    .map(l => {
      const what = {
        'lambda-variable': 'a Lambda variable of',
        parameter: `the ${l.type ?? ''} parameter`.replace('  ', ' '),
        secret: 'the secret',
      }[l.source];
      return `${what} ${l.location}`;
    })
    .join(', ');
}
