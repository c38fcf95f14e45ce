import { FunctionConfiguration } from '@internal/backstage-plugin-environments-common';
import { ParityKey } from './types';

// The configuration values the rules compare: what a function runs, and how a finding shows it.

/** A configuration value as compared: a number, a name, a sorted list, null for none. */
export type Value = string | number | null | undefined | string[];

const UNITS: Partial<Record<ParityKey, string>> = {
  memory: ' MB',
  timeout: ' s',
};

/** Renders a value for a finding: units for memory and timeout, `none` for no reservation. */
export function formatValue(key: ParityKey, value: Value): string {
  if (value === null) {
    return 'none';
  }
  if (value === undefined) {
    return 'unknown';
  }
  if (Array.isArray(value)) {
    return value.length === 0 ? '(none)' : value.join(', ');
  }
  return `${value}${UNITS[key] ?? ''}`;
}

/** A layer's name without account, region and version, which differ between accounts by nature. */
function layerName(arn: string): string {
  const parts = arn.split(':');
  return parts.length >= 7 && parts[5] === 'layer' ? parts[6] : arn;
}

/** What a function actually runs, for one key. Undefined when AWS did not say (e.g. reserved concurrency on moto). */
export function actualValue(
  configuration: FunctionConfiguration,
  key: ParityKey,
): Value {
  switch (key) {
    case 'memory':
      return configuration.memorySize;
    case 'timeout':
      return configuration.timeout;
    case 'reservedConcurrency':
      return configuration.reservedConcurrency;
    case 'runtime':
      return configuration.runtime;
    case 'handler':
      return configuration.handler;
    case 'architecture':
      // Lambda's default when none is given.
      return configuration.architectures[0] ?? 'x86_64';
    case 'packageType':
      return configuration.packageType;
    case 'environmentVariableNames':
      return [...configuration.environmentVariableNames].sort();
    case 'layers':
      return configuration.layers.map(layerName).sort();
    default:
      return undefined;
  }
}

export function sameValue(a: Value, b: Value): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** How two environments' values differ, in words: for lists, what is missing or only in one. */
export function describeParityDifference(
  key: ParityKey,
  expected: Value,
  actual: Value,
  before: string,
  environment: string,
): string {
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const missing = expected.filter(item => !actual.includes(item));
    const extra = actual.filter(item => !expected.includes(item));
    const parts = [
      ...(missing.length
        ? [`missing in ${environment}: ${missing.join(', ')}`]
        : []),
      ...(extra.length ? [`only in ${environment}: ${extra.join(', ')}`] : []),
    ];
    return parts.join('; ');
  }
  return `${before} has ${formatValue(
    key,
    expected,
  )}, ${environment} has ${formatValue(key, actual)}`;
}
