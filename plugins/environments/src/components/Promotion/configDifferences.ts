import { FunctionConfiguration } from '@internal/backstage-plugin-environments-common';

/** One setting that differs between the source and the target function. */
export interface ConfigDifference {
  setting: string;
  source: string;
  target: string;
}

function show(value: unknown): string {
  if (value === undefined) {
    return 'unknown';
  }
  if (value === null) {
    return 'none';
  }
  if (Array.isArray(value)) {
    return value.length ? [...value].sort().join(', ') : 'none';
  }
  return String(value);
}

const SETTINGS: Array<[string, (c: FunctionConfiguration) => unknown]> = [
  ['Package type', c => c.packageType],
  ['Memory (MB)', c => c.memorySize],
  ['Timeout (s)', c => c.timeout],
  ['Reserved concurrency', c => c.reservedConcurrency],
  ['Architectures', c => c.architectures],
  ['Runtime', c => c.runtime],
  ['Handler', c => c.handler],
  ['Environment variables', c => c.environmentVariableNames],
  ['Layers', c => c.layers],
];

/**
 * The settings that differ between two functions' configurations. A promotion changes only the image:
 * these differences stay, which is what a user should know before promoting.
 */
export function configDifferences(
  source: FunctionConfiguration,
  target: FunctionConfiguration,
): ConfigDifference[] {
  return SETTINGS.flatMap(([setting, read]) => {
    const [from, to] = [show(read(source)), show(read(target))];
    return from === to ? [] : [{ setting, source: from, target: to }];
  });
}
