import { Finding } from '@internal/backstage-plugin-environments-common';
import { SettingsByName } from './environmentSettings';

/** What {@link leakFindings} needs of the service and its environments. */
interface LeakInput {
  environments: Array<{ name: string; shortName: string; longName: string }>;
  pathsByEnvironment: Record<string, string[]>;
}

/**
 * Values of one environment that point at another: a parameter path under another environment's path
 * (`/smartstack/dev/db-password` read by prod), or a resource name spelled with another environment
 * (`shop-orders-prod` in staging). Only values that look like names (no spaces) are judged.
 */
export function leakFindings(
  environment: { name: string; resource: string; settings: SettingsByName },
  input: LeakInput,
): Finding[] {
  const others = input.environments.filter(e => e.name !== environment.name);
  const findings: Finding[] = [];
  for (const [name, locations] of environment.settings) {
    for (const location of locations) {
      const value = location.value;
      if (!value || /\s/.test(value)) {
        continue;
      }
      const other = others.find(o =>
        pointsAt(value, o, input.pathsByEnvironment[o.name] ?? []),
      );
      if (other) {
        findings.push({
          kind: 'settings',
          severity: 'error',
          environment: environment.name,
          resource: environment.resource,
          rule: 'settings.cross-environment',
          subject: name,
          message: `${name} (${location.source} ${location.location}) in ${environment.name} points at ${other.name}: ${value}`,
          expected: `a ${environment.name} resource`,
          actual: value,
        });
      }
    }
  }
  return findings;
}

/** Whether a value names another environment's path or a resource spelled with its name. */
function pointsAt(
  value: string,
  other: { name: string; shortName: string; longName: string },
  otherPaths: string[],
): boolean {
  if (
    otherPaths.some(
      path => value.includes(path) || value.includes(path.slice(1)),
    )
  ) {
    return true;
  }
  // Words of a name or ARN: shop-orders-prod, arn:aws:s3:::shop-assets-prod, /smartstack/dev/x.
  const words = value.toLowerCase().split(/[^a-z0-9]+/);
  const spellings = new Set(
    [other.name, other.shortName, other.longName].map(s => s.toLowerCase()),
  );
  return words.some(word => spellings.has(word));
}
